// The cross-process lock a running batch job holds on its project. Two processes (the
// studio and a CLI `generate`, or two CLIs) on one project would otherwise claim the same
// job items or trip over each other's writes; the second is told who holds the project
// and stops before touching anything. Disjoint shards of one job may run side by side.
//
// The lock is a row in the project's meta table, taken in an IMMEDIATE transaction (so
// the check and the claim are one step across processes), refreshed by a heartbeat, and
// released when the run ends. Its holder is identified by more than its pid
// (fs/process-identity.ts): on the same host, the boot it ran in and its process's start
// time, so a pid reused after a reboot or by another program, or a killed holder still a
// zombie, no longer counts; where the OS cannot tell (another host sharing the folder, no
// /proc), a holder whose heartbeat stopped STALE_MS ago is gone. `jobs DIR --unlock` takes
// over a lock whose holder cannot be shown to run.
import { basename } from 'node:path';
import { StudioError } from '../contract/errors.ts';
import { holderState, isThisProcess, thisProcess, type ProcessIdentity } from '../fs/process-identity.ts';
import type { Project } from '../project/index.ts';
import { writeTransaction } from '../project/transaction.ts';
import type { Shard } from './shard.ts';

const PREFIX = 'run-lock:';
const BEAT_MS = 10_000;
/** a holder that cannot be checked and has been silent this long is gone */
export const STALE_MS = 60_000;

export interface LockHolder extends ProcessIdentity {
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

/** gone: shown gone on this host, or (where that cannot be shown) silent past STALE_MS */
function stale(h: LockHolder, now: number): boolean {
  const state = holderState(h);
  if (state !== 'unknown') return state === 'gone';
  return !(now - Date.parse(h.beatAt) <= STALE_MS);
}

function overlaps(a: LockHolder, jobId: number, shard: Shard | null): boolean {
  if (a.jobId !== jobId) return true; // one job at a time per project
  if (!a.shard || !shard) return true;
  return a.shard.count !== shard.count || a.shard.index === shard.index;
}

export function describeHolder(h: LockHolder): string {
  const what = `job ${h.jobId} (${h.kind}${h.shard ? `, shard ${h.shard.index}/${h.shard.count}` : ''})`;
  return `${what} is running in another process: pid ${h.pid} on ${h.host} (${h.command}), since ${h.startedAt}`;
}

/** what to do about a live holder, and how to take its lock over if it is in fact gone */
function refusal(project: Project, h: LockHolder, now: number): string {
  const base = `${project.dir}: ${describeHolder(h)}; wait for it to finish or stop it, then run this again`;
  if (holderState(h) === 'alive') return base;
  const lapses = new Date(Date.parse(h.beatAt) + STALE_MS).toISOString();
  return `${base} (its last heartbeat: ${h.beatAt}; if that process is gone, its lock lapses at ${lapses}, or take it over now with 'relevance-studio jobs ${project.dir} --unlock')`;
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
    ...thisProcess(),
    jobId,
    kind,
    shard,
    command: [basename(process.argv[1] ?? 'node'), ...process.argv.slice(2)].join(' ').slice(0, 160),
    startedAt: started,
    beatAt: started,
  };
  writeTransaction(db, () => {
    const now = Date.now();
    for (const { key: k, holder: h } of holders(project)) {
      if (!h || stale(h, now)) {
        db.prepare('DELETE FROM meta WHERE key = ?').run(k);
        continue;
      }
      if (!isThisProcess(h) && overlaps(h, jobId, shard)) throw new StudioError('BAD_REQUEST', refusal(project, h, now));
    }
    db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(key, JSON.stringify(self));
  });
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

function holders(project: Project): { key: string; holder: LockHolder | null }[] {
  return project.db
    .prepare<[string], { key: string; value: string }>('SELECT key, value FROM meta WHERE key LIKE ?')
    .all(`${PREFIX}%`)
    .map((r) => {
      try {
        return { key: r.key, holder: JSON.parse(r.value) as LockHolder };
      } catch {
        return { key: r.key, holder: null };
      }
    });
}

/**
 * Takes over the project's run locks whose holders cannot be shown to run (`jobs --unlock`):
 * removes them and says whose they were. A holder shown alive on this host is refused:
 * stop that process instead.
 */
export function unlockRuns(project: Project): string[] {
  return writeTransaction(project.db, () => {
    const removed: string[] = [];
    for (const { key, holder: h } of holders(project)) {
      if (h && !isThisProcess(h) && holderState(h) === 'alive') {
        throw new StudioError('BAD_REQUEST', `${project.dir}: ${describeHolder(h)}, and that process is running; stop it (kill ${h.pid}) instead of taking its lock`);
      }
      project.db.prepare('DELETE FROM meta WHERE key = ?').run(key);
      removed.push(h ? describeHolder(h).replace(' is running in another process', "'s lock") : `an unreadable lock row (${key})`);
    }
    return removed;
  });
}

/** Another live process's run lock on the project (any job), or null. */
export function otherHolder(project: Project): LockHolder | null {
  const now = Date.now();
  return holders(project).find((r): r is { key: string; holder: LockHolder } => r.holder !== null && !isThisProcess(r.holder) && !stale(r.holder, now))?.holder ?? null;
}

/**
 * Refuses at once, with the run lock's own message, when another process runs a job of the
 * project: a service that answers before the job's run starts (the studio's Start) says so
 * instead of answering "started" for a job that then fails.
 */
export function assertNoOtherRun(project: Project): void {
  const h = otherHolder(project);
  if (h) throw new StudioError('BAD_REQUEST', refusal(project, h, Date.now()));
}
