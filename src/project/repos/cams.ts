// Cached CAMs (float16 maps at the layer's resolution), keyed by what produced them.
import type Database from 'better-sqlite3';
import { StudioError } from '../../contract/errors.ts';
import type { CamRecord } from '../types.ts';

interface CamRow {
  image_id: number;
  class_idx: number;
  model_hash: string;
  method: string;
  layer: string;
  h: number;
  w: number;
  data: Buffer;
}

function toRecord(r: CamRow): CamRecord {
  return { imageId: r.image_id, classIndex: r.class_idx, modelHash: r.model_hash, method: r.method, layer: r.layer, h: r.h, w: r.w, data: new Uint8Array(r.data) };
}

export class CamsRepo {
  constructor(private readonly db: Database.Database) {}

  /** Stores (or replaces: a CAM is a cache, recomputable from its key) one map. */
  put(c: CamRecord, now: string): void {
    if (c.data.byteLength !== c.h * c.w * 2) {
      throw new StudioError('BAD_REQUEST', `CAM for image ${c.imageId}: ${c.data.byteLength} bytes for a ${c.h}x${c.w} float16 map`);
    }
    this.db
      .prepare(
        `INSERT INTO cams (image_id, class_idx, model_hash, method, layer, h, w, data, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (image_id, class_idx, model_hash, method, layer)
         DO UPDATE SET h = excluded.h, w = excluded.w, data = excluded.data, created_at = excluded.created_at`,
      )
      .run(c.imageId, c.classIndex, c.modelHash, c.method, c.layer, c.h, c.w, Buffer.from(c.data.buffer, c.data.byteOffset, c.data.byteLength), now);
  }

  get(key: Omit<CamRecord, 'h' | 'w' | 'data'>): CamRecord | undefined {
    const r = this.db
      .prepare<[number, number, string, string, string], CamRow>(
        'SELECT * FROM cams WHERE image_id = ? AND class_idx = ? AND model_hash = ? AND method = ? AND layer = ?',
      )
      .get(key.imageId, key.classIndex, key.modelHash, key.method, key.layer);
    return r && toRecord(r);
  }

  /** Drops every stored CAM of a class (a recomputable cache). */
  deleteClass(classIndex: number): void {
    this.db.prepare('DELETE FROM cams WHERE class_idx = ?').run(classIndex);
  }

  /** Every image with stored CAMs, ascending. */
  imageIds(): number[] {
    return this.db.prepare('SELECT DISTINCT image_id FROM cams ORDER BY image_id').pluck().all() as number[];
  }

  /**
   * A string per image that changes whenever the image's stored CAMs change (count, newest
   * write, newest row): what a cache of values computed from them is keyed by. Images
   * without CAMs are absent.
   */
  changeStamps(imageIds: readonly number[]): Map<number, string> {
    const out = new Map<number, string>();
    if (imageIds.length === 0) return out;
    const rows = this.db
      .prepare<[string], { image_id: number; n: number; last: string; maxid: number }>(
        'SELECT image_id, count(*) AS n, max(created_at) AS last, max(id) AS maxid FROM cams WHERE image_id IN (SELECT value FROM json_each(?)) GROUP BY image_id',
      )
      .all(JSON.stringify(imageIds));
    for (const r of rows) out.set(r.image_id, `${r.n}:${r.last}:${r.maxid}`);
    return out;
  }

  /** Every stored CAM of an image: by class, newest first within a class (then by id, for determinism). */
  forImage(imageId: number): (CamRecord & { createdAt: string })[] {
    return this.db
      .prepare<[number], CamRow & { created_at: string }>('SELECT * FROM cams WHERE image_id = ? ORDER BY class_idx, created_at DESC, id DESC')
      .all(imageId)
      .map((r) => ({ ...toRecord(r), createdAt: r.created_at }));
  }
}
