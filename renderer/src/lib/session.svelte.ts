// One studio session: the client and the state every view shares, handed down by context
// (never a module singleton, so a test or a second window gets its own).
import { getContext, setContext } from 'svelte';
import { createClient, type ConnectionState, type StudioClient } from './api.ts';
import { followMenuDialogs } from './menu-commands.ts';
import { GenerationState } from './state/generation.svelte.ts';
import { Router } from './router.svelte.ts';
import { ChooserState } from './state/chooser.svelte.ts';
import { DialogsState } from './state/dialogs.svelte.ts';
import { GridState } from './state/grid.svelte.ts';
import { ImportState } from './state/import.svelte.ts';
import { ModelsState } from './state/models.svelte.ts';
import { ProjectState } from './state/project.svelte.ts';
import { ProjectsState } from './state/projects.svelte.ts';
import { ToastState } from './state/toasts.svelte.ts';
import { ThumbnailCache } from './blob-cache.ts';

const KEY = Symbol('studio-session');

export class StudioSession {
  connection = $state<ConnectionState>('connecting');
  readonly client: StudioClient;
  /** the open project's info (header, sidebar) */
  readonly project: ProjectState;
  /** which project is open, and the recent ones (the Projects home) */
  readonly projects: ProjectsState;
  readonly grid: GridState;
  readonly thumbs: ThumbnailCache;
  readonly router = new Router();
  readonly toasts = new ToastState();
  /** the Generate drawer's state: opened from the header or from a grid selection */
  readonly generation: GenerationState;
  /** paths: native dialogs in the desktop app, the in-app chooser in browser mode */
  readonly chooser: ChooserState;
  readonly importer: ImportState;
  readonly models: ModelsState;
  readonly dialogs: DialogsState;

  constructor() {
    this.client = createClient((s) => {
      this.connection = s;
    });
    this.project = new ProjectState(this.client);
    this.projects = new ProjectsState(this.client);
    this.grid = new GridState(this.client);
    this.thumbs = new ThumbnailCache(this.client);
    this.generation = new GenerationState(this.client, this.grid, this.project);
    this.chooser = new ChooserState(this.client);
    this.importer = new ImportState(this.client, this.chooser);
    this.models = new ModelsState(this.client, this.chooser);
    this.dialogs = new DialogsState(this.importer, this.models, this.generation);
    this.client.on('project.changed', ({ reason }) => this.#changed(reason));
    // the desktop menu's Import Dataset… / Add Model… open the same dialogs as the page's buttons
    followMenuDialogs(this.client, this.dialogs);
  }

  start(): void {
    void this.projects.load().then(() => {
      if (this.projects.current) this.#reload();
    });
  }

  /** Opens a project (or the one already open) and shows its images. */
  async openProject(path: string): Promise<boolean> {
    const ok = await this.projects.open(path);
    if (ok) this.router.go({ view: 'images' });
    return ok;
  }

  #changed(reason: string): void {
    if (reason === 'open') {
      // another project: every view starts over on it
      this.generation.open = false;
      this.importer.reset();
      this.models.discard();
      this.dialogs.close();
      // an editor or compare view shows an image of the old project
      if (this.router.route.view !== 'images') this.router.go({ view: 'images' }, true);
      void this.projects.load().then(() => {
        if (this.projects.current) this.#reload();
      });
      return;
    }
    void this.project.load();
    if (reason === 'model') {
      if (this.dialogs.open === 'models') void this.models.load();
      // the drawer follows the Models dialog: it preselects the active model again
      if (!this.generation.active) this.generation.modelId = null;
      if (this.generation.open) void this.generation.load();
      return;
    }
    // new images (an import): the grid re-reads what it shows, keeping its place
    void this.grid.refresh();
  }

  /** a project was opened: its info, and the grid from the top with no filters */
  #reload(): void {
    this.thumbs.clear();
    void this.project.load();
    this.grid.clearFilters();
  }
}

export function provideSession(s: StudioSession): void {
  setContext(KEY, s);
}

export function useSession(): StudioSession {
  return getContext<StudioSession>(KEY);
}
