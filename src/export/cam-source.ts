// Reading stored CAMs for export. The store's CamsRepo answers only an exact key
// (image, class, model, method, layer); an export needs every map of an image, so this
// one query reads the cams table directly (read-only) until the store offers a
// `cams.list(imageId)`; then this file is the only one to change.
import type { CamRecord, Project } from '../project/index.ts';

interface Row {
  class_idx: number;
  model_hash: string;
  method: string;
  layer: string;
  h: number;
  w: number;
  data: Buffer;
  created_at: string;
  id: number;
}

/** Every stored CAM of an image, newest first within each class (then by key, for determinism). */
export function listImageCams(project: Project, imageId: number): (CamRecord & { createdAt: string })[] {
  const rows = project.db
    .prepare<[number], Row>(
      `SELECT id, class_idx, model_hash, method, layer, h, w, data, created_at FROM cams
       WHERE image_id = ? ORDER BY class_idx, created_at DESC, id DESC`,
    )
    .all(imageId);
  return rows.map((r) => ({
    imageId,
    classIndex: r.class_idx,
    modelHash: r.model_hash,
    method: r.method,
    layer: r.layer,
    h: r.h,
    w: r.w,
    data: new Uint8Array(r.data.buffer, r.data.byteOffset, r.data.byteLength),
    createdAt: r.created_at,
  }));
}
