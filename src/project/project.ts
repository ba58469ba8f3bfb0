// A project: a folder holding project.sqlite (WAL) and a .cache/; images stay where the
// user keeps them. The Project class is the one entry point services use; the
// repositories behind it each own one table group.
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type Database from 'better-sqlite3';
import sharp from 'sharp';
import { readImageFile, SHARP_LIMITS } from '../fs/image-file.ts';
import type { ClassInfo, ImagePage, ImageQuery, ImageSummary, ProjectInfo, ReviewStatus } from '../contract/api.ts';
import { StudioError } from '../contract/errors.ts';
import { DB_FILE, openDatabase } from './db.ts';
import { importDataset } from './import/run.ts';
import { relink } from './import/relink.ts';
import { checkSchema, migrate, schemaVersion } from './migrate.ts';
import { MaskWrites } from './mask-writes.ts';
import { absolutePath } from './paths.ts';
import { CamsRepo } from './repos/cams.ts';
import { ClassesRepo } from './repos/classes.ts';
import { ImagesRepo, type ListedImage } from './repos/images.ts';
import { JobItemsRepo } from './repos/job-items.ts';
import { JobsRepo } from './repos/jobs.ts';
import { MasksRepo } from './repos/masks.ts';
import { MetaRepo } from './repos/meta.ts';
import { ModelsRepo } from './repos/models.ts';
import { renderThumbnail, thumbPath, writeThumbnail } from './thumbnails.ts';
import type { ImageRecord, ImportOptions, ImportReport, MaskProvenance, MaskVersion, RelinkReport } from './types.ts';
import { APP_VERSION } from './version.ts';
import { checkName } from './user-names.ts';
import { writeTransaction } from './transaction.ts';
import { assertWritable } from './writable.ts';

export { DB_FILE } from './db.ts';
export type * from './types.ts';

/** Makes `dir` (if needed) and a new empty project in it. */
export function createProject(dir: string, opts: { name?: string } = {}): Project {
  const abs = resolve(dir);
  const name = checkName('project', opts.name?.trim() ? opts.name : basename(abs));
  try {
    mkdirSync(abs, { recursive: true });
  } catch (err) {
    throw new StudioError('IO_ERROR', `${abs}: cannot create the project folder (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  if (!statSync(abs).isDirectory()) throw new StudioError('BAD_REQUEST', `${abs}: not a folder`);
  const file = join(abs, DB_FILE);
  if (existsSync(file)) throw new StudioError('BAD_REQUEST', `${abs}: a project already exists here (${DB_FILE})`);
  assertWritable(abs);
  const db = openDatabase(file, { mustExist: false });
  try {
    migrate(db, file);
    const meta = new MetaRepo(db);
    writeTransaction(db, () => {
      meta.set('name', name);
      meta.set('created_at', new Date().toISOString());
    });
  } catch (err) {
    db.close();
    throw err;
  }
  return new Project(abs, db);
}

/** Opens an existing project, migrating an older schema; refuses a newer one. */
export function openProject(dir: string): Project {
  const abs = resolve(dir);
  const file = join(abs, DB_FILE);
  if (!existsSync(file)) throw new StudioError('NOT_FOUND', `${abs}: not a Relevance Studio project (no ${DB_FILE}); create one with 'relevance-studio init'`);
  if (statSync(file).size === 0) {
    // never silently start over in the file: the project's data is what is missing
    throw new StudioError('IO_ERROR', `${file}: the project database is empty (0 bytes); restore it from a backup, or delete it and run 'relevance-studio init' to start a new project`);
  }
  if (!isSqlite(file)) throw new StudioError('BAD_REQUEST', `${file}: not an SQLite database`);
  assertWritable(abs);
  const db = openDatabase(file, { mustExist: true });
  try {
    migrate(db, file);
    checkSchema(db, file);
  } catch (err) {
    db.close();
    throw err;
  }
  return new Project(abs, db);
}

/** Reads only the 16-byte header: a project DB can be gigabytes of masks. */
function isSqlite(file: string): boolean {
  const head = Buffer.alloc(16);
  const fd = openSync(file, 'r');
  try {
    const n = readSync(fd, head, 0, 16, 0);
    return n === 0 || head.toString('latin1') === 'SQLite format 3\0';
  } finally {
    closeSync(fd);
  }
}

export class Project {
  readonly classes: ClassesRepo;
  readonly images: ImagesRepo;
  readonly masks: MasksRepo;
  readonly models: ModelsRepo;
  readonly jobs: JobsRepo;
  readonly jobItems: JobItemsRepo;
  readonly cams: CamsRepo;
  /** the one way mask versions and review statuses are written */
  readonly maskWrites: MaskWrites;
  private readonly meta: MetaRepo;
  private closed = false;

  /** Use createProject / openProject. */
  constructor(
    readonly dir: string,
    readonly db: Database.Database,
  ) {
    this.classes = new ClassesRepo(db);
    this.images = new ImagesRepo(db);
    this.masks = new MasksRepo(db);
    this.models = new ModelsRepo(db);
    this.jobs = new JobsRepo(db);
    this.jobItems = new JobItemsRepo(db);
    this.cams = new CamsRepo(db);
    this.meta = new MetaRepo(db);
    this.maskWrites = new MaskWrites(db, this.images, this.masks, this.classes);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    // keeps the planner's statistics fresh for the grid's queries (cheap; SQLite's advice)
    try {
      this.db.pragma('optimize');
    } catch {
      // a full or read-only disk: the statistics can wait, the file must still be closed
    }
    this.db.close();
  }

  get name(): string {
    return this.meta.get('name') ?? basename(this.dir);
  }

  info(): ProjectInfo {
    const s = this.images.stats();
    return {
      name: this.name,
      appVersion: APP_VERSION,
      schemaVersion: schemaVersion(this.db),
      images: s.images,
      classes: this.classes.list(),
      tagged: s.tagged,
      masks: s.masks,
      approved: s.statusCounts.approved,
      statusCounts: s.statusCounts,
    };
  }

  listImages(q: ImageQuery): ImagePage {
    const { total, items } = this.images.list(q);
    return { total, offset: Math.max(0, Math.floor(q.offset)), items: items.map((i) => this.summary(i)) };
  }

  /** Every image matching the filter (all of them by default), in id order. */
  allImages(q: Omit<ImageQuery, 'offset' | 'limit' | 'rank'> = { sort: 'id' }): ImageSummary[] {
    return this.images.listAll(q).map((i) => this.summary(i));
  }

  getImage(id: number): ImageSummary {
    const rec = this.images.get(id);
    const maskId = this.masks.currentVersion(id)?.id ?? null;
    return this.summary({ ...rec, tags: this.images.tags(id), hasMask: maskId !== null, maskId });
  }

  imagePath(id: number): string {
    return absolutePath(this.dir, this.images.get(id).path);
  }

  /** The cached thumbnail, rendered (and cached) when missing. */
  async thumbnail(id: number): Promise<Uint8Array> {
    const cached = thumbPath(this.dir, id);
    try {
      return new Uint8Array(readFileSync(cached));
    } catch {
      // not cached yet (or the cache was cleared)
    }
    const file = this.sourceFile(id);
    const source = await readImageFile(file);
    const bytes = await renderThumbnail(source).catch((err: Error) => {
      throw new StudioError('IO_ERROR', `${file}: cannot read the image (${err.message.split('\n')[0]})`);
    });
    try {
      writeThumbnail(this.dir, id, bytes);
    } catch {
      // a cache: a full or read-only disk only means it is rendered again next time
    }
    return new Uint8Array(bytes);
  }

  /** The file's own bytes when it needs no rotation and is JPEG/PNG; else re-encoded upright. Read under the image-file rule (fs/image-file.ts). */
  async imageBytes(id: number): Promise<Uint8Array> {
    const rec = this.images.get(id);
    const file = this.sourceFile(id);
    const bytes = await readImageFile(file);
    try {
      if (rec.orientation === 1 && (rec.format === 'jpeg' || rec.format === 'png')) return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      const img = sharp(bytes, SHARP_LIMITS).rotate();
      return new Uint8Array(await (rec.format === 'png' ? img.png() : img.jpeg({ quality: 92 })).toBuffer());
    } catch (err) {
      throw new StudioError('IO_ERROR', `${file}: cannot read the image (${(err as Error).message.split('\n')[0]})`);
    }
  }

  listClasses(): ClassInfo[] {
    return this.classes.list();
  }

  addClass(name: string, color?: string): ClassInfo {
    return writeTransaction(this.db, () => this.classes.add(name, color));
  }

  importDataset(datasetDir: string, opts: ImportOptions = {}): Promise<ImportReport> {
    return importDataset(this.importTarget(), datasetDir, opts);
  }

  /** Points images whose files are missing at their copies under `newDir`, matched by content hash. */
  relink(newDir: string): Promise<RelinkReport> {
    return relink(this.importTarget(), resolve(newDir));
  }

  /**
   * Stores a new mask version (never overwriting one) through the mask door by its source:
   * a generated one becomes current only when no person owns the image's mask, an edited
   * or imported one becomes current (see mask-writes.ts for the statuses).
   */
  saveMask(imageId: number, png: Uint8Array, prov: MaskProvenance): MaskVersion {
    if (prov.source === 'generated') return this.maskWrites.generated(imageId, png, prov).version;
    if (prov.source === 'edited') return this.maskWrites.edited(imageId, png);
    if (prov.source === 'imported') return this.maskWrites.imported(imageId, png);
    throw new StudioError('BAD_REQUEST', `unknown mask source '${String(prov.source)}'`);
  }

  currentMask(imageId: number): { version: MaskVersion; png: Uint8Array } | null {
    this.images.get(imageId);
    return this.masks.current(imageId);
  }

  /** the image's imported ground-truth mask (see ImportOptions.masks), current or not */
  groundTruthMask(imageId: number): { version: MaskVersion; png: Uint8Array } | null {
    this.images.get(imageId);
    return this.masks.groundTruth(imageId);
  }

  maskVersions(imageId: number): MaskVersion[] {
    this.images.get(imageId);
    return this.masks.versions(imageId);
  }

  /** 'approved' also freezes the current mask version, in the same transaction. */
  setStatus(imageId: number, status: ReviewStatus): void {
    this.maskWrites.setStatus(imageId, status);
  }

  setTags(imageId: number, classIndices: number[]): void {
    this.images.get(imageId);
    const known = new Set(this.classes.list().map((c) => c.index));
    const bad = classIndices.filter((c) => !known.has(c));
    if (bad.length) throw new StudioError('BAD_REQUEST', `image ${imageId}: unknown class index ${bad.join(', ')}`);
    writeTransaction(this.db, () => this.images.setTags(imageId, classIndices));
  }

  /** Retention: prunes old generated, non-current, non-frozen mask versions beyond `keep` per image. */
  pruneMaskVersions(keep: number, imageId?: number): number {
    return this.maskWrites.prune(keep, imageId);
  }

  private sourceFile(id: number): string {
    const file = this.imagePath(id);
    if (!existsSync(file)) throw new StudioError('NOT_FOUND', `${file}: image file not found (moved? relink the dataset folder)`);
    return file;
  }

  private summary(i: ListedImage | (ImageRecord & { tags: number[]; hasMask: boolean; maskId: number | null })): ImageSummary {
    return {
      id: i.id,
      name: i.name,
      width: i.width,
      height: i.height,
      split: i.split,
      status: i.status,
      tags: i.tags,
      hasMask: i.hasMask,
      maskId: i.maskId,
      available: existsSync(absolutePath(this.dir, i.path)),
    };
  }

  private importTarget() {
    return { dir: this.dir, db: this.db, images: this.images, classes: this.classes, maskWrites: this.maskWrites, now: () => new Date().toISOString() };
  }
}
