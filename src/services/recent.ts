// What the studio remembers between runs, newest first, each in a small JSON file of the
// data folder (the desktop app: its userData folder): the projects opened (the Projects
// home, File › Open Recent) and the folders things were chosen in (the chooser's recent
// places). A file is written whole to a temp name and renamed, so a crash never leaves
// half a list; a missing or broken file is an empty list. `file` null keeps the list in
// memory only (tests, a studio serving one project). No Electron import.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { DB_FILE } from '../project/db.ts';

export const MAX_RECENT = 10;
export const MAX_PLACES = 6;

export interface RecentEntry {
  path: string;
  name: string;
  openedAt: string;
}

export function isProjectFolder(dir: string): boolean {
  return existsSync(join(dir, DB_FILE));
}

class JsonList {
  private memory: unknown[] = [];
  constructor(private readonly file: string | null) {}

  read(): unknown[] {
    if (this.file === null) return this.memory;
    try {
      const raw: unknown = JSON.parse(readFileSync(this.file, 'utf8'));
      return Array.isArray(raw) ? raw : [];
    } catch {
      return [];
    }
  }

  write(list: unknown[]): void {
    if (this.file === null) {
      this.memory = list;
      return;
    }
    mkdirSync(dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(list, null, 2) + '\n');
    renameSync(tmp, this.file);
  }
}

export class RecentProjects {
  private readonly store: JsonList;

  /** `exists`: entries whose folder no longer holds a project are dropped when listed */
  constructor(
    file: string | null,
    private readonly exists: (dir: string) => boolean = isProjectFolder,
  ) {
    this.store = new JsonList(file);
  }

  list(): RecentEntry[] {
    const out: RecentEntry[] = [];
    for (const e of this.store.read()) {
      if (typeof e !== 'object' || e === null) continue;
      const { path, name, openedAt } = e as Record<string, unknown>;
      if (typeof path !== 'string' || !path || out.some((r) => r.path === path) || !this.exists(path)) continue;
      out.push({ path, name: typeof name === 'string' ? name : basename(path), openedAt: typeof openedAt === 'string' ? openedAt : '' });
    }
    return out.slice(0, MAX_RECENT);
  }

  has(path: string): boolean {
    const p = resolve(path);
    return this.list().some((r) => r.path === p);
  }

  add(path: string, name: string, now = new Date()): RecentEntry[] {
    const p = resolve(path);
    const list = [{ path: p, name, openedAt: now.toISOString() }, ...this.list().filter((r) => r.path !== p)].slice(0, MAX_RECENT);
    this.store.write(list);
    return list;
  }

  remove(path: string): RecentEntry[] {
    const p = resolve(path);
    const list = this.list().filter((r) => r.path !== p);
    this.store.write(list);
    return list;
  }
}

/** Folders things were chosen in (a dataset's parent, a model's folder), for the chooser. */
export class RecentPlaces {
  private readonly store: JsonList;

  constructor(file: string | null) {
    this.store = new JsonList(file);
  }

  list(): string[] {
    return this.store.read().filter((p): p is string => typeof p === 'string' && existsSync(p)).slice(0, MAX_PLACES);
  }

  add(dir: string): void {
    const p = resolve(dir);
    this.store.write([p, ...this.list().filter((x) => x !== p)].slice(0, MAX_PLACES));
  }
}
