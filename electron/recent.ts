// Recent projects, newest first, in userData/recent-projects.json. Entries whose folder no
// longer holds a project are dropped when listed. No Electron import.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { DB_FILE } from '../src/project/db.ts';
import type { RecentProject } from '../src/contract/desktop.ts';

export const MAX_RECENT = 10;

export function isProjectFolder(dir: string): boolean {
  return existsSync(join(dir, DB_FILE));
}

export class RecentProjects {
  constructor(
    private readonly file: string,
    private readonly exists: (dir: string) => boolean = isProjectFolder,
  ) {}

  list(): RecentProject[] {
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(this.file, 'utf8'));
    } catch {
      return [];
    }
    if (!Array.isArray(raw)) return [];
    const out: RecentProject[] = [];
    for (const e of raw) {
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

  add(path: string, name: string, now = new Date()): RecentProject[] {
    const p = resolve(path);
    const list = [{ path: p, name, openedAt: now.toISOString() }, ...this.list().filter((r) => r.path !== p)].slice(0, MAX_RECENT);
    this.write(list);
    return list;
  }

  remove(path: string): RecentProject[] {
    const p = resolve(path);
    const list = this.list().filter((r) => r.path !== p);
    this.write(list);
    return list;
  }

  private write(list: RecentProject[]): void {
    mkdirSync(dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(list, null, 2) + '\n');
    renameSync(tmp, this.file);
  }
}
