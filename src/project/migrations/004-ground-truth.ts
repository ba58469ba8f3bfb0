// Ground truth gets a column of its own: a mask version is a reference (a dataset's
// SegmentationClass, import-masks --masks ground-truth) or not, independent of how it was
// made. Before, a reference was an imported version whose method read 'ground-truth';
// those versions move to the flag and lose the fake method. The immutability trigger is
// rebuilt to cover the new column (a version's role never changes once written).
import type { Migration } from './types.ts';

export const groundTruth: Migration = {
  version: 4,
  name: '004-ground-truth',
  up(db) {
    db.exec(`
      DROP TRIGGER masks_immutable;
      ALTER TABLE masks ADD COLUMN ground_truth INTEGER NOT NULL DEFAULT 0 CHECK (ground_truth IN (0, 1));
      UPDATE masks SET ground_truth = 1, method = NULL WHERE source = 'imported' AND method = 'ground-truth';
      CREATE TRIGGER masks_immutable BEFORE UPDATE OF
          id, image_id, png, width, height, source, method, layer, thresholds,
          model_hash, engine_version, created_at, ground_truth ON masks
      BEGIN
        SELECT RAISE(ABORT, 'mask versions are immutable; save a new version instead');
      END;
      -- "the image's newest reference" (scores, the compare view) without a scan
      CREATE INDEX masks_ground_truth ON masks (image_id, id) WHERE ground_truth = 1;
    `);
  },
};
