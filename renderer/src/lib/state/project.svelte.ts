// What the header and sidebar show: the project's info, reloaded on 'project.changed'.
import type { ProjectInfo } from '../../../../src/contract/api.ts';
import type { StudioClient } from '../api.ts';

export class ProjectState {
  info = $state.raw<ProjectInfo | null>(null);
  error = $state<string | null>(null);

  constructor(private readonly client: StudioClient) {}

  async load(): Promise<void> {
    try {
      this.info = await this.client.projectInfo();
      this.error = null;
    } catch (err) {
      this.error = (err as Error).message;
    }
  }

  classColor(index: number): string {
    return this.info?.classes.find((c) => c.index === index)?.color ?? '#808080';
  }

  className(index: number): string {
    return this.info?.classes.find((c) => c.index === index)?.name ?? `class ${index}`;
  }
}
