// Where an export may go. The target is checked before anything is written: absolute, not
// the project folder, not inside a kernel or device filesystem (/proc, /sys, /dev: Node's
// recursive mkdir spins forever under /proc), a folder if it exists, empty unless
// overwriting, and never a folder holding the project's own files (its images, its
// dataset, the project itself) unless it is an earlier export — and even then no entry the
// export replaces may hold one (checked again, entry by entry, when the files move in:
// see stage.ts). One rule for the CLI, the Export dialog and the desktop menu.
import { existsSync, readdirSync, realpathSync, statfsSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve, sep } from 'node:path';
import { StudioError } from '../contract/errors.ts';
import type { Project } from '../project/index.ts';
import { absolutePath } from '../project/paths.ts';
import { EXPORT_MARKER, isExportLeftover } from './bookkeeping.ts';

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

/**
 * What an export must never replace: the project folder and every image file of the
 * project, as real paths (folders resolved once each; a missing image by its stored path).
 */
export class ProjectFiles {
  readonly paths: string[];
  constructor(project: Project) {
    const dirs = new Map<string, string>();
    const real = (file: string) => {
      const d = dirname(file);
      let r = dirs.get(d);
      if (r === undefined) {
        r = realish(d).real;
        dirs.set(d, r);
      }
      return join(r, file.slice(d.length + 1));
    };
    this.paths = [realish(project.dir).real, ...project.images.paths().map((p) => real(absolutePath(project.dir, p)))];
  }

  /** the first of the project's files inside the real folder `dir`, if any */
  inside(dir: string): string | undefined {
    return this.paths.find((p) => under(dir, p));
  }
}

export interface TargetOptions {
  overwrite: boolean;
  projectDir: string;
  /** the project's own files, refused as part of a target */
  files: ProjectFiles;
}

/** The checked real target folder (not created yet when it does not exist). */
export function checkExportTarget(out: string, opts: TargetOptions): string {
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
    checkEmpty(real, opts.overwrite, abs);
    const own = opts.files.inside(real);
    // an earlier export may hold the project's images (imported back from it): the entries it would replace are checked as they move in
    if (own && !existsSync(join(real, EXPORT_MARKER))) refuse(`${abs} holds the project's own files (${own}); an export there could replace them; choose another output folder`);
  } else if (!statSync(base).isDirectory()) {
    refuse(`${abs}: ${base} is a file, not a folder`);
  }
  return real;
}

/** Refuses a folder holding anything but an export's own leftovers, unless overwriting. */
export function checkEmpty(real: string, overwrite: boolean, shown = real): void {
  if (overwrite) return;
  const entries = readdirSync(real).filter((n) => !isExportLeftover(n));
  if (entries.length > 0) refuse(`${shown} is not empty; tick "Overwrite" (CLI: --overwrite) or choose an empty folder`);
}

/** Refuses to replace `entry` (a real path in the target) when it holds the project's own files. */
export function checkReplaceable(entry: string, files: ProjectFiles): void {
  const own = files.inside(entry);
  if (own) refuse(`${entry} holds the project's own files (${own}), which this export would replace; choose another output folder`);
}
