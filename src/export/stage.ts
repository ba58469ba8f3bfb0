// How an export lands in its target. The export takes the target's lock (one export per
// folder, across processes: target-lock.ts), writes its files into its own hidden staging
// folder there, then moves them into place entry by entry (rename never follows a link: a
// symlink planted in the target is replaced, not written through) and writes the
// completion marker last — only after checking that every file it wrote is in place. A
// killed export is recognisable: no marker. Only the lock's holder clears leftovers, so no
// export ever removes another live export's staging folder. A move that fails half-way is
// undone, so a failed overwrite leaves the earlier export whole, marker included.
import { lstatSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { StudioError } from '../contract/errors.ts';
import { thisProcess } from '../fs/process-identity.ts';
import { EXPORT_LOCK, EXPORT_MARKER, isExportLeftover, PARTIAL, REPLACED } from './bookkeeping.ts';
import { lockExportTarget } from './target-lock.ts';
import { checkEmpty, checkReplaceable, type ProjectFiles } from './target.ts';

export interface StagedExport {
  /** the export's own staging folder, where its files are written */
  dir: string;
  /**
   * Moves the files into the target, checks that each of `written` (paths relative to the
   * target, '/'-separated) is there, then writes the completion marker. Releases the target.
   */
  commit(summary: Record<string, unknown>, written: readonly string[]): void;
  /** removes the staged files (the target keeps what it had) and releases the target */
  abort(): void;
}

export interface StageOptions {
  overwrite: boolean;
  /** the project's own files: an entry holding one is never replaced */
  files: ProjectFiles;
}

/** Takes the checked target `real` (created when missing) and a staging folder in it. */
export function stageExport(real: string, opts: StageOptions): StagedExport {
  try {
    mkdirSync(real, { recursive: true });
  } catch (e) {
    throw new StudioError('IO_ERROR', `export: cannot create ${real} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  const release = lockExportTarget(real);
  let dir: string;
  const tag = `${thisProcess().pid}-${randomBytes(4).toString('hex')}`;
  try {
    // the lock is ours: every staging folder left here belongs to an export that died
    for (const n of readdirSync(real)) if (isExportLeftover(n) && !n.startsWith(EXPORT_LOCK)) rmSync(join(real, n), { recursive: true, force: true });
    // another export may have finished here since the target was checked
    checkEmpty(real, opts.overwrite);
    dir = join(real, PARTIAL + tag);
    mkdirSync(dir); // not recursive: it must be new
  } catch (e) {
    release();
    throw e;
  }
  return {
    dir,
    commit(summary, written) {
      try {
        moveIn(real, dir, join(real, REPLACED + tag), opts.files, summary, written);
      } finally {
        rmSync(dir, { recursive: true, force: true });
        release();
      }
    },
    abort() {
      try {
        rmSync(dir, { recursive: true, force: true });
      } finally {
        release();
      }
    },
  };
}

function moveIn(real: string, dir: string, old: string, files: ProjectFiles, summary: Record<string, unknown>, written: readonly string[]): void {
  const names = readdirSync(dir);
  for (const name of names) if (lexists(join(real, name))) checkReplaceable(join(real, name), files);
  const marker = join(real, EXPORT_MARKER);
  /** undo steps, last first: each puts one move back */
  const undo: (() => void)[] = [];
  try {
    mkdirSync(old);
    // the export being replaced is no longer complete from here on
    if (lexists(marker)) {
      renameSync(marker, join(old, EXPORT_MARKER));
      undo.push(() => renameSync(join(old, EXPORT_MARKER), marker));
    }
    for (const name of names) {
      const to = join(real, name);
      if (lexists(to)) {
        renameSync(to, join(old, name));
        undo.push(() => renameSync(join(old, name), to));
      }
      renameSync(join(dir, name), to);
      undo.push(() => renameSync(to, join(dir, name)));
    }
    const missing = written.find((rel) => !isFile(join(real, ...rel.split('/'))));
    if (missing !== undefined) throw new StudioError('IO_ERROR', `export: ${join(real, missing)} is missing after the files were moved in (removed by another program?); the export is not marked complete`);
    const staged = join(dir, EXPORT_MARKER);
    // no timestamp: the same project and options still give byte-identical folders
    writeFileSync(staged, `${JSON.stringify({ app: 'relevance-studio', complete: true, ...summary }, null, 2)}\n`);
    renameSync(staged, marker);
  } catch (e) {
    let undone = true;
    for (const step of undo.reverse()) {
      try {
        step();
      } catch {
        undone = false; // what cannot move back stays in the replaced-entries folder
      }
    }
    if (undone) rmSync(old, { recursive: true, force: true }); // empty: everything went back
    throw e;
  }
  rmSync(old, { recursive: true, force: true });
}

function lexists(p: string): boolean {
  try {
    lstatSync(p);
    return true;
  } catch {
    return false;
  }
}

function isFile(p: string): boolean {
  try {
    return lstatSync(p).isFile();
  } catch {
    return false;
  }
}
