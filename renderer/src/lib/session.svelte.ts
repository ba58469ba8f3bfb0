// One studio session: the client and the state every view shares, handed down by context
// (never a module singleton, so a test or a second window gets its own).
import { getContext, setContext } from 'svelte';
import { createClient, type ConnectionState, type StudioClient } from './api.ts';
import { GenerationState } from './state/generation.svelte.ts';
import { Router } from './router.svelte.ts';
import { GridState } from './state/grid.svelte.ts';
import { ProjectState } from './state/project.svelte.ts';
import { ToastState } from './state/toasts.svelte.ts';
import { ThumbnailCache } from './blob-cache.ts';

const KEY = Symbol('studio-session');

export class StudioSession {
  connection = $state<ConnectionState>('connecting');
  readonly client: StudioClient;
  readonly project: ProjectState;
  readonly grid: GridState;
  readonly thumbs: ThumbnailCache;
  readonly router = new Router();
  readonly toasts = new ToastState();
  /** the Generate drawer's state: opened from the header or from a grid selection */
  readonly generation: GenerationState;

  constructor() {
    this.client = createClient((s) => {
      this.connection = s;
    });
    this.project = new ProjectState(this.client);
    this.grid = new GridState(this.client);
    this.thumbs = new ThumbnailCache(this.client);
    this.generation = new GenerationState(this.client, this.grid, this.project);
    this.client.on('project.changed', () => {
      this.thumbs.clear();
      void this.project.load();
      this.grid.reset();
    });
  }

  start(): void {
    void this.project.load();
    this.grid.reset();
  }
}

export function provideSession(s: StudioSession): void {
  setContext(KEY, s);
}

export function useSession(): StudioSession {
  return getContext<StudioSession>(KEY);
}
