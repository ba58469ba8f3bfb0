// State a service keeps per open project. It outlives the service objects over the project
// (Electron and a project switch re-create those), is made on first use and goes with the Project.
import type { Project } from '../project/index.ts';

export class PerProject<T> {
  private readonly states = new WeakMap<Project, T>();

  constructor(private readonly make: () => T) {}

  /** this project's state, made on first use */
  of(project: Project): T {
    let s = this.states.get(project);
    if (!s) {
      s = this.make();
      this.states.set(project, s);
    }
    return s;
  }

  /** this project's state if a service over it has made it (a close or a status check makes none) */
  peek(project: Project): T | undefined {
    return this.states.get(project);
  }
}
