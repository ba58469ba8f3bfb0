// One export at a time per folder, across processes: a lock file in the target names the
// export writing there (its process identity, see fs/process-identity.ts). The file appears
// whole (written aside, then hard-linked into place: link fails if the name exists), only
// its owner removes it, and a lock whose holder is gone (crashed, killed, rebooted) is taken
// over — under a second, short-lived guard file so two exports that both find a dead lock
// cannot both take it. Where the OS cannot tell whether the holder runs, the lock's mtime,
// touched every few seconds by its holder, is its heartbeat.
import { linkSync, readFileSync, statSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { StudioError } from '../contract/errors.ts';
import { holderState, isThisProcess, thisProcess, type ProcessIdentity } from '../fs/process-identity.ts';
import { EXPORT_LOCK } from './bookkeeping.ts';

const BEAT_MS = 5_000;
/** a holder that cannot be checked and has not beaten for this long is gone */
const STALE_MS = 60_000;

interface LockFile extends ProcessIdentity {
  since: string;
  tag: string;
}

function read(file: string): { text: string; holder: LockFile | null; mtime: number } | null {
  try {
    const text = readFileSync(file, 'utf8');
    let holder: LockFile | null = null;
    try {
      holder = JSON.parse(text) as LockFile;
    } catch {
      // not ours to read: judged by its age alone
    }
    return { text, holder, mtime: statSync(file).mtimeMs };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}

function gone(l: { holder: LockFile | null; mtime: number }): boolean {
  const state = l.holder ? holderState(l.holder) : 'unknown';
  return state === 'gone' || (state === 'unknown' && Date.now() - l.mtime > STALE_MS);
}

/** `file` created holding `text`, whole, or false when the name is taken */
function place(file: string, text: string): boolean {
  const aside = `${file}.${randomBytes(6).toString('hex')}`;
  writeFileSync(aside, text, { flag: 'wx' });
  try {
    linkSync(aside, file);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  } finally {
    unlinkSync(aside);
  }
}

function unlinkIfSame(file: string, text: string): void {
  const now = read(file);
  if (now && now.text === text) unlinkSync(file);
}

/**
 * Takes the export lock of the folder `real` (which exists) or throws StudioError('BUSY')
 * naming the export that holds it. Returns the release function.
 */
export function lockExportTarget(real: string): () => void {
  const file = join(real, EXPORT_LOCK);
  const me: LockFile = { ...thisProcess(), since: new Date().toISOString(), tag: randomBytes(6).toString('hex') };
  const text = `${JSON.stringify(me)}\n`;
  for (let attempt = 0; ; attempt++) {
    if (place(file, text)) break;
    const held = read(file);
    if (held === null) continue; // released in between
    if (!gone(held) || attempt >= 5) {
      const h = held.holder;
      const who = h ? `pid ${h.pid} on ${h.host}${isThisProcess(h) ? ' (this process)' : ''}, since ${h.since}` : 'an unreadable lock file';
      throw new StudioError('BUSY', `export: another export is writing into ${real} (${who}); wait for it to finish, then export again, or choose another folder`);
    }
    takeOver(file, held.text);
  }
  const beat = setInterval(() => {
    try {
      const t = new Date();
      utimesSync(file, t, t);
    } catch {
      // a full or failing disk: the holder's pid still speaks for it where the OS tells
    }
  }, BEAT_MS);
  beat.unref();
  let released = false;
  return () => {
    if (released) return;
    released = true;
    clearInterval(beat);
    try {
      unlinkIfSame(file, text);
    } catch {
      // the folder went away: nothing left to release
    }
  };
}

/** Removes the dead holder's lock `staleText`, unless someone else took over first. */
function takeOver(file: string, staleText: string): void {
  const guard = `${file}.takeover`;
  const mine = `${JSON.stringify({ ...thisProcess(), since: new Date().toISOString() })}\n`;
  if (!place(guard, mine)) {
    const g = read(guard);
    // a take-over that died half-way leaves its guard: cleared like any dead holder's lock
    if (g && gone(g)) unlinkIfSame(guard, g.text);
    return;
  }
  try {
    unlinkIfSame(file, staleText);
  } finally {
    unlinkIfSame(guard, mine);
  }
}
