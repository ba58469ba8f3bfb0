// The cross-process lock a running batch job holds on its project. Two processes (the
// studio and a CLI `generate`, or two CLIs) on one project would otherwise claim the same
// job items or trip over each other's writes; the second is told who holds the project
// and stops before touching anything. Disjoint shards of one job may run side by side.
//
// The lock is a row in the project's meta table, taken in an IMMEDIATE transaction (so
// the check and the claim are one step across processes), refreshed by a heartbeat, and
// released when the run ends. A holder whose process is gone (same host, pid not alive) or
// whose heartbeat stopped (another host sharing the folder) no longer counts.
import os from 'node:os';
import { basename } from 'node:path';
import { StudioError } from '../contract/errors.ts';
import type { Project } from '../project/index.ts';
import type { Shard } from './shard.ts';

const PREFIX = 'run-lock:';
const BEAT_MS = 10_000;
/** a holder on another host silent this long is gone */
export const STALE_MS = 60_000;

export interface LockHolder {
  pid: number;
  host: string;
  jobId: number;
  kind: string;
  shard: Shard | null;
  command: string;
  startedAt: string;
  beatAt: string;
}

export interface RunLock {
  release(): void;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** on this host the pid says it (a starved CPU may delay beats); elsewhere the heartbeat does */
function stale(h: LockHolder, now: number): boolean {
  if (h.host === os.hostname()) return !alive(h.pid);
  return now - Date.parse(h.beatAt) > STALE_MS;
}

function overlaps(a: LockHolder, jobId: number, shard: Shard | null): boolean {
  if (a.jobId !== jobId) return true; // one job at a time per project
  if (!a.shard || !shard) return true;
  return a.shard.count !== shard.count || a.shard.index === shard.index;
}

function mine(h: LockHolder): boolean {
  return h.pid === process.pid && h.host === os.hostname();
}

export function describeHolder(h: LockHolder): string {
  const what = `job ${h.jobId} (${h.kind}${h.shard ? `, shard ${h.shard.index}/${h.shard.count}` : ''})`;
  return `${what} is running in another process: pid ${h.pid} on ${h.host} (${h.command}), since ${h.startedAt}`;
}

/**
 * Takes the project's run lock for `jobId` (and `shard`), or throws a StudioError naming
 * the process that holds it. The same process may hold several (its own job map keeps one
 * run per job).
 */
export function acquireRunLock(project: Project, jobId: number, kind: string, shard: Shard | null = null): RunLock {
  const db = project.db;
  const key = `${PREFIX}${jobId}:${shard ? `${shard.index}/${shard.count}` : 'all'}:${process.pid}`;
  const started = new Date().toISOString();
  const self: LockHolder = {
    pid: process.pid,
    host: os.hostname(),
    jobId,
    kind,
    shard,
    command: [basename(process.argv[1] ?? 'node'), ...process.argv.slice(2)].join(' ').slice(0, 160),
    startedAt: started,
    beatAt: started,
  };
  const take = db.transaction(() => {
    const now = Date.now();
    const rows = db.prepare<[string], { key: string; value: string }>('SELECT key, value FROM meta WHERE key LIKE ?').all(`${PREFIX}%`);
    for (const r of rows) {
      let h: LockHolder;
      try {
        h = JSON.parse(r.value) as LockHolder;
      } catch {
        db.prepare('DELETE FROM meta WHERE key = ?').run(r.key);
        continue;
      }
      if (stale(h, now)) {
        db.prepare('DELETE FROM meta WHERE key = ?').run(r.key);
        continue;
      }
      if (!mine(h) && overlaps(h, jobId, shard)) {
        throw new StudioError('BAD_REQUEST', `${project.dir}: ${describeHolder(h)}; wait for it to finish or stop it, then run this again`);
      }
    }
    db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(key, JSON.stringify(self));
  });
  take.immediate();
  const beat = setInterval(() => {
    try {
      db.prepare('UPDATE meta SET value = ? WHERE key = ?').run(JSON.stringify({ ...self, beatAt: new Date().toISOString() }), key);
    } catch {
      // a busy or full database: the next beat tries again; STALE_MS leaves room for several
    }
  }, BEAT_MS);
  beat.unref();
  let released = false;
  return {
    release() {
      if (released) return;
      released = true;
      clearInterval(beat);
      try {
        if (db.open) db.prepare('DELETE FROM meta WHERE key = ?').run(key);
      } catch {
        // a full or failing disk: the row goes stale (dead pid) and the next run clears it
      }
    },
  };
}
