// The StudioApi over one open Project: the single implementation both transports
// (browser-mode HTTP server, Electron IPC) call. Inputs arrive already validated
// (validate.ts); the Project raises StudioError for anything it cannot find or read.
import type { StudioApi } from '../contract/api.ts';
import type { Project } from '../project/index.ts';

export function createStudioService(project: Project): StudioApi {
  return {
    async projectInfo() {
      return project.info();
    },
    async listImages(query) {
      return project.listImages(query);
    },
    async getImage(id) {
      return project.getImage(id);
    },
    thumbnail(id) {
      return project.thumbnail(id);
    },
    imageBytes(id) {
      return project.imageBytes(id);
    },
  };
}
