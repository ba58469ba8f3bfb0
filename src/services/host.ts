// The studio host: the one StudioApi both transports serve, over a current project that can
// change without a restart (or be none: the Projects home). It answers the methods that
// choose a project or a path itself (recent projects, create, open, the chooser) and
// forwards every other method to the open project's services. A switch is refused while a
// generation job, an import or an export runs in the open project — they finish or are
// cancelled first, so a switch never loses work — and 'project.changed' {reason: 'open'}
// tells the page to reload everything.
import { realpathSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { MethodName, StudioApi } from '../contract/api.ts';
import { StudioError } from '../contract/errors.ts';
import type { ChooserPurpose } from '../contract/files.ts';
import type { CurrentProject, NewProjectRequest, ProjectCard } from '../contract/projects.ts';
import { createProject, openProject, peekProject, type Project } from '../project/index.ts';
import { chosenPath, listFolder } from './chooser.ts';
import { DEMO_DIR } from './demo.ts';
import { createEventBus, type EventBus } from './events.ts';
import { exportRunning } from './export.ts';
import { closeGenerationServices, runningGeneration } from './generation.ts';
import { closeImportServices, runningImport } from './import-job.ts';
import { closeModelServices } from './models.ts';
import { RecentPlaces, RecentProjects } from './recent.ts';
import { createProjectService, HOST_METHODS, type HostMethod, type ProjectApi } from './studio.ts';
import { VALIDATORS } from './validate.ts';

export interface HostOptions {
  bus?: EventBus;
  /** the Projects home's list (default: kept in memory only) */
  recent?: RecentProjects;
  /** the chooser's recent places (default: in memory only) */
  places?: RecentPlaces;
  /** the read-only demo whose dataset and model the chooser offers as shortcuts; null: none */
  demoDir?: string | null;
  /** after every open (the desktop window's title and menu) */
  onOpen?(project: Project): void;
}

const NO_PROJECT = 'no project is open; open or create one on the Projects home';

export class StudioHost {
  readonly api: StudioApi;
  readonly bus: EventBus;
  #project: Project | null = null;
  #service: ProjectApi | null = null;
  #switching = false;
  readonly #recent: RecentProjects;
  readonly #places: RecentPlaces;
  readonly #lastPlace = new Map<ChooserPurpose, string>();
  readonly #opts: HostOptions;

  constructor(opts: HostOptions = {}) {
    this.#opts = opts;
    this.bus = opts.bus ?? createEventBus();
    this.#recent = opts.recent ?? new RecentProjects(null);
    this.#places = opts.places ?? new RecentPlaces(null);
    this.api = this.#assemble();
  }

  /** the open project, or null */
  current(): Project | null {
    return this.#project;
  }

  /** Starts on `project` (opened by the caller; the host closes it when it switches or closes). */
  adopt(project: Project): void {
    if (this.#project) throw new Error('the studio host already has a project');
    this.#use(project);
  }

  /** Opens the project in `dir` (a path the user chose), closing the current one. */
  async open(raw: string): Promise<CurrentProject> {
    const dir = chosenPath(raw, 'openProject');
    if (this.#project && sameFolder(this.#project.dir, dir)) return describe(this.#project);
    return this.#switch('open another project', () => openProject(dir));
  }

  /** Makes an empty project in parent/folder and opens it. */
  async create(req: NewProjectRequest): Promise<CurrentProject> {
    const parent = chosenPath(req.parent, 'createProject');
    if (!statSync(parent).isDirectory()) throw new StudioError('BAD_REQUEST', `createProject: ${parent} is a file; choose the folder to make the project in`);
    return this.#switch('create a project', () => createProject(join(parent, req.folder), { name: req.name }));
  }

  /** Stops what runs in the open project (jobs resume next time) and closes it. */
  async close(): Promise<void> {
    const p = this.#project;
    this.#project = null;
    this.#service = null;
    if (p) await closeAll(p);
  }

  /** why the open project cannot be left now, or null */
  busy(): string | null {
    const p = this.#project;
    if (!p) return null;
    const gen = runningGeneration(p);
    if (gen) return `a generation job (job ${gen.jobId}, ${gen.done} of ${gen.total} images) is running in ${p.name}`;
    const imp = runningImport(p);
    if (imp) return `an import (${imp.done} of ${imp.total} images) is running in ${p.name}`;
    if (exportRunning(p)) return `an export of ${p.name} is being written`;
    return null;
  }

  async #switch(what: string, make: () => Project): Promise<CurrentProject> {
    if (this.#switching) throw new StudioError('BAD_REQUEST', `cannot ${what}: another project is being opened`);
    const busy = this.busy();
    if (busy) throw new StudioError('BAD_REQUEST', `cannot ${what}: ${busy}; cancel it or wait for it to finish (nothing is lost either way)`);
    this.#switching = true;
    try {
      const next = make(); // a project that cannot be opened leaves the current one open
      const old = this.#project;
      this.#project = null;
      this.#service = null;
      if (old) await closeAll(old);
      this.#use(next);
      return describe(next);
    } finally {
      this.#switching = false;
    }
  }

  #use(project: Project): void {
    this.#project = project;
    this.#service = createProjectService(project, { bus: this.bus, used: (p) => this.#places.add(p) });
    this.#recent.add(project.dir, project.name);
    this.bus.emit('project.changed', { reason: 'open' });
    this.#opts.onOpen?.(project);
  }

  #scoped(): ProjectApi {
    if (!this.#service) throw new StudioError('NOT_FOUND', NO_PROJECT);
    return this.#service;
  }

  #cards(): ProjectCard[] {
    const cur = this.#project;
    return this.#recent.list().map((r): ProjectCard => {
      if (cur && sameFolder(cur.dir, r.path)) {
        const i = cur.info();
        return { path: r.path, name: i.name, openedAt: r.openedAt, current: true, stats: { images: i.images, masks: i.masks, approved: i.approved, classes: i.classes.length } };
      }
      const peek = peekProject(r.path);
      return { path: r.path, name: peek.name ?? r.name, openedAt: r.openedAt, current: false, stats: peek.stats, ...(peek.problem ? { problem: peek.problem } : {}) };
    });
  }

  #assemble(): StudioApi {
    const own: Pick<StudioApi, HostMethod> = {
      currentProject: async () => (this.#project ? describe(this.#project) : null),
      recentProjects: async () => this.#cards(),
      createProject: (req) => this.create(req),
      openProject: (path) => this.open(path),
      forgetProject: async (path) => {
        this.#recent.remove(path);
      },
      listFolder: async (req) => {
        const demo = this.#opts.demoDir === undefined ? DEMO_DIR : this.#opts.demoDir;
        const listing = listFolder(req, {
          projectDir: this.#project?.dir ?? null,
          demo: demo ? { dataset: join(demo, 'dataset'), model: join(demo, 'model') } : null,
          recentPlaces: () => this.#places.list(),
          lastPlace: (purpose) => this.#lastPlace.get(purpose) ?? null,
        });
        this.#lastPlace.set(req.purpose, listing.path);
        return listing;
      },
    };
    const forwarded = Object.fromEntries(
      (Object.keys(VALIDATORS) as MethodName[])
        .filter((m): m is keyof ProjectApi => !(HOST_METHODS as readonly string[]).includes(m))
        .map((m) => [m, (...args: unknown[]) => (this.#scoped()[m] as (...a: unknown[]) => Promise<unknown>)(...args)]),
    );
    return { ...forwarded, ...own } as StudioApi;
  }
}

/** The StudioApi over one project (tests, `serve DIR`): a host that starts on it. */
export function createStudioService(project: Project | null, opts: HostOptions = {}): StudioApi {
  const host = new StudioHost(opts);
  if (project) host.adopt(project);
  return host.api;
}

function describe(p: Project): CurrentProject {
  return { path: p.dir, name: p.name };
}

function sameFolder(a: string, b: string): boolean {
  const real = (p: string) => {
    try {
      return realpathSync(p);
    } catch {
      return p;
    }
  };
  return a === b || real(a) === real(b);
}

async function closeAll(p: Project): Promise<void> {
  await closeImportServices(p);
  await closeGenerationServices(p);
  await closeModelServices(p);
  p.close();
}
