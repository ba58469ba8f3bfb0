// Where an export may go and how it lands there. The target is checked before anything is
// written: absolute, not the project folder, not inside a kernel or device filesystem
// (/proc, /sys, /dev: Node's recursive mkdir spins forever under /proc), a folder if it
// exists, and empty unless overwriting — one rule for the CLI, the Export dialog and the
// desktop menu. The files are written into a fresh hidden folder inside the target, then
// moved into place entry by entry (rename never follows a link: a symlink planted in the
// target is replaced, not written through), and a completion marker is written last, so a
// killed export is recognisable: no marker, a .partial folder left behind.
import { existsSync, lstatSync, mkdirSync, readdirSync, realpathSync, renameSync, rmSync, statfsSync, statSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { dirname, isAbsolute, join, resolve, sep } from 'node:path';
import { StudioError } from '../contract/errors.ts';

/** written last into a finished export */
export const EXPORT_MARKER = '.relevance-studio-export.json';
const PARTIAL = '.relevance-studio-partial-';
const OLD = '.relevance-studio-replaced-';

const SPECIAL_ROOTS = ['/proc', '/sys', '/dev'];
// statfs f_type of kernel filesystems that hold no user files
const SPECIAL_FS = new Set([0x9fa0 /* proc */, 0x62656572 /* sysfs */, 0x1cd1 /* devpts */, 0x64626720 /* debugfs */, 0x74726163 /* tracefs */, 0x27e0eb /* cgroup */, 0x63677270 /* cgroup2 */, 0x73636673 /* securityfs */, 0xcafe4a11 /* bpf */, 0x6165676c /* pstore */, 0x62656570 /* configfs */, 0x65735543 /* fusectl */]);

function refuse(problem: string): never {
  throw new StudioError('BAD_REQUEST', `export: ${problem}`);
}

function under(root: string, p: string): boolean {
  return p === root || p.startsWith(root + sep);
}

/** `p` with its longest existing prefix resolved through symlinks, and that prefix's real path */
function realish(p: string): { real: string; base: string } {
  for (let d = p; ; d = dirname(d)) {
    try {
      const base = realpathSync(d);
      return { real: d === p ? base : join(base, p.slice(d.length)), base };
    } catch {
      if (dirname(d) === d) return { real: p, base: d };
    }
  }
}

function isExportLeftover(name: string): boolean {
  return name.startsWith(PARTIAL) || name.startsWith(OLD);
}

/** The checked real target folder (not created yet when it does not exist). */
export function checkExportTarget(out: string, opts: { overwrite: boolean; projectDir: string }): string {
  if (!isAbsolute(out)) refuse(`the output folder must be an absolute path, got '${out}'`);
  const abs = resolve(out);
  const { real, base } = realish(abs);
  const special = SPECIAL_ROOTS.find((r) => under(r, real) || under(r, abs));
  if (special) refuse(`${abs} is under ${special}, a system folder; choose a folder for files`);
  try {
    if (SPECIAL_FS.has(Number(statfsSync(base).type))) refuse(`${abs} is on a kernel filesystem, not a folder for files`);
  } catch (e) {
    if (e instanceof StudioError) throw e;
  }
  const project = realpathSync(opts.projectDir);
  if (real === project) refuse(`${abs} is the project folder; choose another output folder`);
  if (existsSync(real)) {
    const st = statSync(real);
    if (!st.isDirectory()) refuse(`${abs} is a file, not a folder`);
    const entries = readdirSync(real).filter((n) => !isExportLeftover(n));
    if (!opts.overwrite && entries.length > 0) refuse(`${abs} is not empty; tick "Overwrite" (CLI: --overwrite) or choose an empty folder`);
  } else if (!statSync(base).isDirectory()) {
    refuse(`${abs}: ${base} is a file, not a folder`);
  }
  return real;
}

export interface StagedExport {
  /** the fresh folder the export's files go to */
  dir: string;
  /** moves the files into the target, then writes the completion marker */
  commit(summary: Record<string, unknown>): void;
  /** removes the staged files (the target keeps what it had) */
  abort(): void;
}

/** A fresh staging folder inside the checked target `real` (created when missing). */
export function stageExport(real: string): StagedExport {
  try {
    mkdirSync(real, { recursive: true });
  } catch (e) {
    throw new StudioError('IO_ERROR', `export: cannot create ${real} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  // a crashed earlier export's staging folders; the marker of an export about to be replaced
  for (const n of readdirSync(real)) if (isExportLeftover(n)) rmSync(join(real, n), { recursive: true, force: true });
  rmSync(join(real, EXPORT_MARKER), { force: true });
  const tag = `${process.pid}-${randomBytes(4).toString('hex')}`;
  const dir = join(real, PARTIAL + tag);
  mkdirSync(dir); // not recursive: it must be new
  return {
    dir,
    commit(summary) {
      const old = join(real, OLD + tag);
      for (const name of readdirSync(dir)) {
        const to = join(real, name);
        if (lexists(to)) {
          mkdirSync(old, { recursive: true });
          renameSync(to, join(old, name));
        }
        renameSync(join(dir, name), to);
      }
      const marker = join(dir, EXPORT_MARKER);
      // no timestamp: the same project and options still give byte-identical folders
      writeFileSync(marker, `${JSON.stringify({ app: 'relevance-studio', complete: true, ...summary }, null, 2)}\n`);
      renameSync(marker, join(real, EXPORT_MARKER));
      rmSync(dir, { recursive: true, force: true });
      rmSync(old, { recursive: true, force: true });
    },
    abort() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function lexists(p: string): boolean {
  try {
    lstatSync(p);
    return true;
  } catch {
    return false;
  }
}
