// A project folder must be writable (the DB's WAL and shm files, thumbnails). We try it
// for real rather than trusting mode bits: root ignores them, and read-only mounts,
// ACLs or a path under a regular file all fail only when you write.
import { closeSync, openSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { StudioError } from '../contract/errors.ts';

export function assertWritable(dir: string): void {
  const probe = join(dir, `.write-probe-${process.pid}-${Date.now()}`);
  try {
    closeSync(openSync(probe, 'wx'));
    unlinkSync(probe);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw new StudioError('IO_ERROR', `${dir}: the project folder is not writable (${code}); check its permissions or copy the project somewhere writable`);
  }
}
