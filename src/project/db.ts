// Opening the project's SQLite file with the settings every connection needs.
import Database from 'better-sqlite3';
import { StudioError } from '../contract/errors.ts';
import { rememberDatabaseFile } from './transaction.ts';

export const DB_FILE = 'project.sqlite';

let nativeBinding: string | undefined;

/**
 * better-sqlite3 is not N-API: Electron needs its own compiled copy. The Electron main
 * process calls this (before opening a project) with the path of that copy's
 * better_sqlite3.node; Node (CLI, tests, browser mode) keeps the default build.
 */
export function setSqliteNativeBinding(path: string | undefined): void {
  nativeBinding = path;
}

export function openDatabase(file: string, opts: { mustExist: boolean }): Database.Database {
  let db: Database.Database;
  try {
    db = new Database(file, { fileMustExist: opts.mustExist, ...(nativeBinding ? { nativeBinding } : {}) });
  } catch (err) {
    throw new StudioError('IO_ERROR', `${file}: cannot open the project database (${(err as Error).message})`);
  }
  try {
    configure(db);
    rememberDatabaseFile(db);
  } catch (err) {
    db.close();
    throw new StudioError('IO_ERROR', `${file}: cannot use the project database (${(err as Error).message})`);
  }
  return db;
}

/** A read-only connection (a glance at another project's numbers): no migration, no writes. */
export function openReadOnly(file: string): Database.Database {
  const db = new Database(file, { readonly: true, fileMustExist: true, ...(nativeBinding ? { nativeBinding } : {}) });
  db.pragma('busy_timeout = 1000');
  return db;
}

/** WAL so readers (the grid) never wait on a writer (a batch job); NORMAL sync is safe under WAL. */
export function configure(db: Database.Database): void {
  if (db.name !== ':memory:') {
    const mode = db.pragma('journal_mode = WAL', { simple: true });
    if (mode !== 'wal') throw new Error(`journal mode is '${String(mode)}', WAL could not be enabled`);
  }
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
}

export { storageFailure } from './storage-errors.ts';
