// Mask versions: every save inserts a new immutable row; "current" and "frozen" are the
// only flags that ever change (the schema's triggers enforce it).
import type Database from 'better-sqlite3';
import { StudioError } from '../../contract/errors.ts';
import type { MaskProvenance, MaskVersion } from '../types.ts';

interface MaskRow {
  id: number;
  image_id: number;
  width: number;
  height: number;
  source: MaskProvenance['source'];
  method: string | null;
  layer: string | null;
  thresholds: string | null;
  refine: string | null;
  model_hash: string | null;
  engine_version: string | null;
  job_id: number | null;
  created_at: string;
  current: number;
  frozen: number;
  ground_truth: number;
}

const COLS = 'id, image_id, width, height, source, method, layer, thresholds, refine, model_hash, engine_version, job_id, created_at, current, frozen, ground_truth';
const SOURCES: readonly MaskProvenance['source'][] = ['generated', 'edited', 'imported'];

function toVersion(r: MaskRow): MaskVersion {
  const provenance: MaskProvenance = { source: r.source };
  if (r.method !== null) provenance.method = r.method;
  if (r.layer !== null) provenance.layer = r.layer;
  if (r.thresholds !== null) provenance.thresholds = JSON.parse(r.thresholds) as Record<string, number>;
  if (r.refine !== null) provenance.refine = JSON.parse(r.refine) as NonNullable<MaskProvenance['refine']>;
  if (r.model_hash !== null) provenance.modelHash = r.model_hash;
  if (r.engine_version !== null) provenance.engineVersion = r.engine_version;
  if (r.job_id !== null) provenance.jobId = r.job_id;
  return {
    id: r.id,
    imageId: r.image_id,
    createdAt: r.created_at,
    width: r.width,
    height: r.height,
    provenance,
    current: r.current === 1,
    frozen: r.frozen === 1,
    groundTruth: r.ground_truth === 1,
  };
}

export class MasksRepo {
  private readonly insertStmt;
  private readonly clearCurrentStmt;
  private readonly currentStmt;
  private readonly versionsStmt;
  private readonly currentMetaStmt;
  private readonly groundTruthStmt;
  private readonly pngStmt;
  private readonly freezeStmt;

  constructor(private readonly db: Database.Database) {
    this.insertStmt = db.prepare(
      `INSERT INTO masks (image_id, png, width, height, source, method, layer, thresholds, refine, model_hash, engine_version, job_id, created_at, current, ground_truth)
       VALUES (@imageId, @png, @width, @height, @source, @method, @layer, @thresholds, @refine, @modelHash, @engineVersion, @jobId, @createdAt, @current, @groundTruth)`,
    );
    this.clearCurrentStmt = db.prepare('UPDATE masks SET current = 0 WHERE image_id = ? AND current = 1');
    this.currentStmt = db.prepare<[number], MaskRow & { png: Buffer }>(`SELECT ${COLS}, png FROM masks WHERE image_id = ? AND current = 1`);
    this.currentMetaStmt = db.prepare<[number], MaskRow>(`SELECT ${COLS} FROM masks WHERE image_id = ? AND current = 1`);
    this.versionsStmt = db.prepare<[number], MaskRow>(`SELECT ${COLS} FROM masks WHERE image_id = ? ORDER BY id`);
    this.groundTruthStmt = db.prepare<[number], MaskRow & { png: Buffer }>(`SELECT ${COLS}, png FROM masks WHERE image_id = ? AND ground_truth = 1 ORDER BY id DESC LIMIT 1`);
    this.pngStmt = db.prepare<[number], { png: Buffer }>('SELECT png FROM masks WHERE id = ?');
    this.freezeStmt = db.prepare('UPDATE masks SET frozen = 1 WHERE image_id = ? AND current = 1 AND frozen = 0');
  }

  /**
   * Inserts a version; when `current`, the previous current version stays, only unflagged.
   * Call inside a transaction; what becomes current is decided by project/mask-writes.ts.
   */
  insert(imageId: number, png: Uint8Array, width: number, height: number, prov: MaskProvenance, current: boolean, createdAt: string, groundTruth = false): MaskVersion {
    if (!SOURCES.includes(prov.source)) throw new StudioError('BAD_REQUEST', `unknown mask source '${String(prov.source)}'`);
    if (current) this.clearCurrentStmt.run(imageId);
    const id = Number(
      this.insertStmt.run({
        imageId,
        png: Buffer.from(png.buffer, png.byteOffset, png.byteLength),
        width,
        height,
        source: prov.source,
        method: prov.method ?? null,
        layer: prov.layer ?? null,
        thresholds: prov.thresholds ? JSON.stringify(prov.thresholds) : null,
        refine: prov.refine ? JSON.stringify(prov.refine) : null,
        modelHash: prov.modelHash ?? null,
        engineVersion: prov.engineVersion ?? null,
        jobId: prov.jobId ?? null,
        createdAt,
        current: current ? 1 : 0,
        groundTruth: groundTruth ? 1 : 0,
      }).lastInsertRowid,
    );
    return { id, imageId, createdAt, width, height, provenance: { ...prov }, current, frozen: false, groundTruth };
  }

  /** the newest imported ground-truth version (current or not), the reference for scores */
  groundTruth(imageId: number): { version: MaskVersion; png: Uint8Array } | null {
    const r = this.groundTruthStmt.get(imageId);
    return r ? { version: toVersion(r), png: new Uint8Array(r.png) } : null;
  }

  current(imageId: number): { version: MaskVersion; png: Uint8Array } | null {
    const r = this.currentStmt.get(imageId);
    return r ? { version: toVersion(r), png: new Uint8Array(r.png) } : null;
  }

  /** The current version's metadata (no PNG). */
  /** the images that have a current mask, ascending */
  imagesWithCurrent(): number[] {
    return this.db.prepare<[], { image_id: number }>('SELECT image_id FROM masks WHERE current = 1 ORDER BY image_id').all().map((r) => r.image_id);
  }

  currentVersion(imageId: number): MaskVersion | null {
    const r = this.currentMetaStmt.get(imageId);
    return r ? toVersion(r) : null;
  }

  versions(imageId: number): MaskVersion[] {
    return this.versionsStmt.all(imageId).map(toVersion);
  }

  png(versionId: number): Uint8Array {
    const r = this.pngStmt.get(versionId);
    if (!r) throw new StudioError('NOT_FOUND', `mask version ${versionId} does not exist`);
    return new Uint8Array(r.png);
  }

  /** One version's metadata (no PNG). */
  version(versionId: number): MaskVersion | undefined {
    const r = this.db.prepare<[number], MaskRow>(`SELECT ${COLS} FROM masks WHERE id = ?`).get(versionId);
    return r && toVersion(r);
  }

  /** Makes `versionId` the image's current version (null: none). Call inside a transaction. */
  setCurrent(imageId: number, versionId: number | null): void {
    this.clearCurrentStmt.run(imageId);
    if (versionId === null) return;
    const res = this.db.prepare('UPDATE masks SET current = 1 WHERE id = ? AND image_id = ?').run(versionId, imageId);
    if (res.changes === 0) throw new StudioError('NOT_FOUND', `mask version ${versionId} of image ${imageId} does not exist`);
  }

  /** Deletes one version (a job rollback); frozen versions are refused by the schema. Returns whether it existed. */
  delete(versionId: number): boolean {
    return this.db.prepare('DELETE FROM masks WHERE id = ?').run(versionId).changes === 1;
  }

  /** Freezes the image's current version (approval). */
  freezeCurrent(imageId: number): void {
    this.freezeStmt.run(imageId);
  }

  /**
   * Retention: deletes *generated* versions that are neither current nor frozen beyond
   * the `keep` newest such versions of each image (all images, or one). Edited and
   * imported versions, the current one and frozen (approved) ones are never pruned.
   * Returns the number of versions deleted.
   */
  prune(keep: number, imageId?: number): number {
    if (!Number.isInteger(keep) || keep < 0) throw new StudioError('BAD_REQUEST', `retention: keep must be a whole number ≥ 0, got ${keep}`);
    const scope = imageId === undefined ? '' : 'AND image_id = @imageId';
    return this.db
      .prepare(
        `DELETE FROM masks WHERE id IN (
           SELECT id FROM (
             SELECT id, row_number() OVER (PARTITION BY image_id ORDER BY id DESC) AS rank
             FROM masks
             WHERE source = 'generated' AND current = 0 AND frozen = 0 ${scope}
           ) WHERE rank > @keep)`,
      )
      .run(imageId === undefined ? { keep } : { keep, imageId }).changes;
  }
}
