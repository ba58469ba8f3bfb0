// The one way a project's data is written: every transaction that writes runs through
// writeTransaction. It starts IMMEDIATE — the write lock taken before the first read — so
// another process's write (a CLI job while the studio saves, the studio while the CLI
// imports) is waited for up to busy_timeout instead of failing half-way with
// SQLITE_BUSY_SNAPSHOT (a deferred transaction that read first cannot wait: its snapshot is
// stale). A database still busy past the timeout is a StudioError('BUSY'): nothing was
// changed, try again. And before anything is acknowledged the database file must still be
// the one that was opened: a project folder deleted (or the file replaced) while the
// project is open would otherwise take writes into an unlinked file, lost at close.
import { statSync } from 'node:fs';
import type Database from 'better-sqlite3';
import { StudioError } from '../contract/errors.ts';
import { busyError } from './storage-errors.ts';

const opened = new WeakMap<Database.Database, { dev: number; ino: number }>();

/** Records which file `db` opened (called by openDatabase). */
export function rememberDatabaseFile(db: Database.Database): void {
  if (db.memory) return;
  const st = statSync(db.name);
  opened.set(db, { dev: st.dev, ino: st.ino });
}

/** Refuses to acknowledge a write when the project's database file is gone or replaced. */
export function checkDatabasePresent(db: Database.Database): void {
  const was = opened.get(db);
  if (!was) return;
  let now: { dev: number; ino: number } | null;
  try {
    now = statSync(db.name);
  } catch {
    now = null;
  }
  if (now && now.dev === was.dev && now.ino === was.ino) return;
  throw new StudioError(
    'IO_ERROR',
    `${db.name}: the project database was ${now ? 'replaced' : 'deleted (or its folder moved)'} while the project was open; this change was not saved. Close the project and open it again from where it now lies`,
  );
}

/**
 * Runs `fn` as one writing transaction, IMMEDIATE; inside a caller's transaction it joins
 * it (a savepoint), and the outer one decides.
 */
export function writeTransaction<T>(db: Database.Database, fn: () => T): T {
  if (db.inTransaction) return db.transaction(fn)();
  try {
    return db
      .transaction(() => {
        const out = fn();
        checkDatabasePresent(db);
        return out;
      })
      .immediate();
  } catch (err) {
    throw busyError(err, db.name) ?? err;
  }
}
