// The in-app path chooser of browser mode (the desktop app uses native dialogs): one folder's
// names, sizes and dates, never a file's contents; shortcuts to the home folder, the open
// project, the demo and recent places. Kernel filesystems (/proc, /sys, /dev, and any proc,
// sysfs, debugfs … mount elsewhere) are refused, and so is every link that leads into one:
// their "files" are live kernel state (a process's memory, devices that never end), not
// datasets. Every path-taking method of the studio checks its paths with chosenPath, so a
// typed path gets the same refusal as a listed one.
import { existsSync, lstatSync, readdirSync, realpathSync, statfsSync, statSync, type Dirent, type Stats } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, extname, isAbsolute, join, parse, resolve, sep } from 'node:path';
import { StudioError } from '../contract/errors.ts';
import type { ChooserPlace, ChooserPurpose, FolderEntry, FolderListing, FolderRequest } from '../contract/files.ts';
import { DB_FILE } from '../project/db.ts';

/** folders whose contents are the kernel's, whatever filesystem type they report */
export const KERNEL_ROOTS: readonly string[] = process.platform === 'win32' ? [] : ['/proc', '/sys', '/dev'];

/** statfs magic numbers of kernel filesystems (linux/magic.h), for mounts outside KERNEL_ROOTS */
const KERNEL_FS_TYPES = new Set([
  0x9fa0, // proc
  0x62656572, // sysfs
  0x1373, // devfs
  0x1cd1, // devpts
  0x64626720, // debugfs
  0x74726163, // tracefs
  0x73636673, // securityfs
  0x27e0eb, // cgroup
  0x63677270, // cgroup2
  0xcafe4a11, // bpf
  0x62656570, // configfs
  0x6165676c, // pstore
  0xde5e81e4, // efivarfs
  0x42494e4d, // binfmt_misc
]);

/** the most entries one listing carries (a folder of 100 000 images is not read into the page) */
export const MAX_ENTRIES = 2000;
/** folders probed for a hint (project, VOC dataset) per listing */
const MAX_HINTED = 400;

function kernelRoot(p: string): string | null {
  for (const root of KERNEL_ROOTS) if (p === root || p.startsWith(root + sep)) return root;
  return null;
}

function onKernelFs(p: string): boolean {
  try {
    return KERNEL_FS_TYPES.has(statfsSync(p).type);
  } catch {
    return false;
  }
}

/**
 * The real path of an absolute path the user chose, refused (naming `what`) when it is a
 * kernel filesystem or a link into one, or does not exist.
 */
export function chosenPath(raw: string, what: string): string {
  if (typeof raw !== 'string' || !isAbsolute(raw)) throw new StudioError('BAD_REQUEST', `${what}: '${String(raw).slice(0, 200)}' is not an absolute path`);
  const abs = resolve(raw);
  const root = kernelRoot(abs);
  if (root) throw new StudioError('BAD_REQUEST', `${what}: ${abs} is in ${root}, a kernel filesystem; choose a folder of your own files`);
  let real: string;
  try {
    real = realpathSync(abs);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new StudioError('NOT_FOUND', `${what}: ${abs} does not exist`);
    throw new StudioError('BAD_REQUEST', `${what}: ${abs} cannot be read (${code ?? (err as Error).message})`);
  }
  const realRoot = kernelRoot(real);
  if (realRoot) throw new StudioError('BAD_REQUEST', `${what}: ${abs} is a link into ${realRoot} (${real}), a kernel filesystem; choose a folder of your own files`);
  if (onKernelFs(real)) throw new StudioError('BAD_REQUEST', `${what}: ${abs} is on a kernel filesystem; choose a folder of your own files`);
  return real;
}

export interface ChooserContext {
  /** the open project's folder */
  projectDir: string | null;
  /** the demo project's dataset and model folders (read-only) */
  demo: { dataset: string; model: string } | null;
  recentPlaces(): string[];
  /** the folder last chosen for this purpose */
  lastPlace(purpose: ChooserPurpose): string | null;
}

const MODEL_EXT = new Set(['.onnx']);
const TAG_LIST_EXT = new Set(['.csv', '.json']);

function fileHint(name: string, purpose: ChooserPurpose): { choosable: boolean; hint?: string } {
  const ext = extname(name).toLowerCase();
  if (purpose === 'model') {
    if (MODEL_EXT.has(ext)) return { choosable: true, hint: 'ONNX model' };
    if (name.toLowerCase() === 'model.json') return { choosable: true, hint: 'TF.js model' };
    return { choosable: false };
  }
  if (purpose === 'dataset' && TAG_LIST_EXT.has(ext)) return { choosable: true, hint: 'tag list' };
  return { choosable: false };
}

function folderHint(dir: string): string | undefined {
  if (existsSync(join(dir, DB_FILE))) return 'project';
  if (existsSync(join(dir, 'JPEGImages'))) return 'VOC dataset';
  return undefined;
}

function folderChoosable(purpose: ChooserPurpose, hint: string | undefined): boolean {
  if (purpose === 'project') return hint === 'project';
  if (purpose === 'new-project' || purpose === 'export') return hint !== 'project';
  return purpose === 'dataset';
}

function isoTime(st: Stats | null): string | null {
  return st && Number.isFinite(st.mtimeMs) ? new Date(st.mtimeMs).toISOString() : null;
}

/** One folder's listing for the chooser (names, sizes, dates; folders first). */
export function listFolder(req: FolderRequest, ctx: ChooserContext): FolderListing {
  const start = req.path ?? ctx.lastPlace(req.purpose) ?? homedir();
  let dir = chosenPath(req.nearest ? nearestExisting(start) : start, 'listFolder');
  let selected: string | undefined;
  let st: Stats;
  try {
    st = statSync(dir);
  } catch (err) {
    throw new StudioError('NOT_FOUND', `listFolder: ${dir} cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  if (!st.isDirectory()) {
    // a typed file path: its folder, with the file picked out
    selected = parse(dir).base;
    dir = dirname(dir);
  }
  let dirents: Dirent[];
  try {
    dirents = readdirSync(dir, { withFileTypes: true });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new StudioError(code === 'ENOENT' ? 'NOT_FOUND' : 'BAD_REQUEST', `listFolder: ${dir} cannot be listed (${code === 'EACCES' || code === 'EPERM' ? 'permission denied' : (code ?? (err as Error).message)})`);
  }
  const shown = dirents.filter((d) => req.hidden || !d.name.startsWith('.'));
  const entries: FolderEntry[] = [];
  let hinted = 0;
  for (const d of shown) {
    const path = join(dir, d.name);
    if (kernelRoot(path)) continue; // / lists proc, sys, dev: never offered
    let target: Stats | null = null;
    try {
      target = d.isSymbolicLink() ? statSync(path) : lstatSync(path);
    } catch {
      continue; // a dangling link, or gone since readdir
    }
    if (d.isSymbolicLink()) {
      let real: string;
      try {
        real = realpathSync(path);
      } catch {
        continue;
      }
      if (kernelRoot(real) || onKernelFs(real)) continue; // a link into the kernel's files
    }
    if (target.isDirectory()) {
      const hint = hinted++ < MAX_HINTED ? folderHint(path) : undefined;
      entries.push({ name: d.name, path, kind: 'folder', size: null, modified: isoTime(target), choosable: folderChoosable(req.purpose, hint), ...(hint ? { hint } : {}) });
    } else if (target.isFile()) {
      entries.push({ name: d.name, path, kind: 'file', size: target.size, modified: isoTime(target), ...fileHint(d.name, req.purpose) });
    }
    // sockets, FIFOs and devices are never listed
  }
  entries.sort((a, b) => (a.kind !== b.kind ? (a.kind === 'folder' ? -1 : 1) : a.name.localeCompare(b.name, undefined, { numeric: true, sensitivity: 'base' })));
  const hint = folderHint(dir);
  const parent = dirname(dir) === dir ? null : dirname(dir);
  return {
    path: dir,
    parent,
    sep,
    choosable: folderChoosable(req.purpose, hint),
    ...(hint ? { hint } : {}),
    ...(selected ? { selected } : {}),
    entries: entries.slice(0, MAX_ENTRIES),
    truncated: Math.max(0, entries.length - MAX_ENTRIES),
    places: places(req.purpose, ctx),
  };
}

/** `p`, or the closest folder above it that exists (a suggested export folder not made yet) */
function nearestExisting(p: string): string {
  let cur = isAbsolute(p) ? resolve(p) : p;
  while (!existsSync(cur) && dirname(cur) !== cur) cur = dirname(cur);
  return cur;
}

function places(purpose: ChooserPurpose, ctx: ChooserContext): ChooserPlace[] {
  const out: ChooserPlace[] = [{ label: 'Home', path: homedir(), kind: 'home' }];
  if (ctx.projectDir) out.push({ label: 'Project folder', path: ctx.projectDir, kind: 'project' });
  if (ctx.demo && purpose === 'dataset') out.push({ label: 'Demo dataset', path: ctx.demo.dataset, kind: 'demo' });
  if (ctx.demo && purpose === 'model') out.push({ label: 'Demo model', path: ctx.demo.model, kind: 'demo' });
  for (const p of ctx.recentPlaces()) if (!out.some((o) => o.path === p)) out.push({ label: parse(p).base || p, path: p, kind: 'recent' });
  const root = parse(homedir()).root;
  out.push({ label: root === '/' ? 'Computer' : root, path: root, kind: 'root' });
  return out.filter((p) => existsSync(p.path));
}
