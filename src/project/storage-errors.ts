// Storage failures as one line each: what a raw SQLite or file-system error means for the
// user (disk full, read-only, damaged, busy) and what to do. Pure (no fs, no SQLite), so
// the transports' error mapping (services/dispatch.ts, bundled into Electron's preload
// side too) can use it.
import { StudioError } from '../contract/errors.ts';

/** SQLite's "another connection holds the lock" as a retryable one-line error, or null. */
export function busyError(err: unknown, file: string): StudioError | null {
  const code = (err as { code?: unknown })?.code;
  if (typeof code !== 'string' || !(code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'))) return null;
  return new StudioError('BUSY', `${file}: the project database is busy (another process is writing to it: a batch job, an import, another studio); nothing was changed, try again (${code})`);
}

const FULL = new Set(['SQLITE_FULL', 'ENOSPC', 'EDQUOT']);
const READ_ONLY = new Set(['SQLITE_READONLY', 'EROFS']);

/**
 * A storage failure (disk full, I/O error, read-only or damaged file) as a one-line
 * StudioError('IO_ERROR') saying what to do (a busy database: 'BUSY'), or null for any
 * other error. Used where a raw SQLite/fs error would otherwise escape as a stack trace or
 * fail one image after another.
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
