// Opening the project's SQLite file with the settings every connection needs.
import Database from 'better-sqlite3';
import { StudioError } from '../contract/errors.ts';
import { busyError, rememberDatabaseFile } from './transaction.ts';

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

const FULL = new Set(['SQLITE_FULL', 'ENOSPC', 'EDQUOT']);
const READ_ONLY = new Set(['SQLITE_READONLY', 'EROFS']);

/**
 * A storage failure (disk full, I/O error, read-only or damaged file) as a one-line
 * StudioError('IO_ERROR') saying what to do (a busy database: 'BUSY'), or null for any
 * other error. Used where a
 * raw SQLite/fs error would otherwise escape as a stack trace or fail one image after
 * another.
 */
export function storageFailure(err: unknown, where: string): StudioError | null {
  if (err instanceof StudioError) return null;
  const code = (err as { code?: unknown })?.code;
  if (typeof code !== 'string') return null;
  const busy = busyError(err, where);
  if (busy) return busy;
  const detail = `${code}: ${String((err as Error).message ?? '').split('\n')[0]}`;
  if (FULL.has(code) || code.startsWith('SQLITE_FULL')) return new StudioError('IO_ERROR', `${where}: the disk is full (${detail}); free some space and run it again`);
  if (READ_ONLY.has(code) || code.startsWith('SQLITE_READONLY')) return new StudioError('IO_ERROR', `${where}: the project's storage is read-only (${detail})`);
  if (code === 'EIO' || code.startsWith('SQLITE_IOERR')) return new StudioError('IO_ERROR', `${where}: an I/O error on the project's disk (${detail}); check the disk, then run it again`);
  if (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB') return new StudioError('IO_ERROR', `${where}: the project database is damaged (${detail}); restore project.sqlite from a backup`);
  return null;
}
