// The Projects home's state: which project is open (none: the home is all there is), the
// recent projects with their numbers, and opening or creating one. The studio switches its
// project in place; the session reloads every view on the 'project.changed' event.
import type { CurrentProject, NewProjectRequest, ProjectCard } from '../../../../src/contract/projects.ts';
import type { StudioClient } from '../api.ts';
import { attempt } from './attempt.ts';

export class ProjectsState {
  /** the open project; null when none is (after `loaded`) */
  current = $state.raw<CurrentProject | null>(null);
  loaded = $state(false);
  recent = $state.raw<ProjectCard[] | null>(null);
  error = $state<string | null>(null);
  /** an open or create request is on its way */
  busy = $state(false);

  readonly #client: StudioClient;

  constructor(client: StudioClient) {
    this.#client = client;
  }

  async load(): Promise<void> {
    try {
      this.current = await this.#client.currentProject();
      this.error = null;
    } catch (err) {
      this.error = (err as Error).message;
    } finally {
      this.loaded = true;
    }
  }

  async loadRecent(): Promise<void> {
    try {
      this.recent = await this.#client.recentProjects();
    } catch (err) {
      this.error = (err as Error).message;
    }
  }

  /** Opens the project in `path`; true when it is open now (else `error` says why). */
  async open(path: string): Promise<boolean> {
    return this.#run(() => this.#client.openProject(path));
  }

  async create(req: NewProjectRequest): Promise<boolean> {
    return this.#run(() => this.#client.createProject(req));
  }

  async forget(path: string): Promise<void> {
    await this.#client.forgetProject(path);
    await this.loadRecent();
  }

  async #run(call: () => Promise<CurrentProject>): Promise<boolean> {
    this.error = null;
    const opened = await attempt(
      call,
      (message) => (this.error = message),
      (on) => (this.busy = on),
    );
    if (opened) this.current = opened;
    return opened !== null;
  }
}
