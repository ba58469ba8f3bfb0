// A generated mask records the refinement chain it was made with (its settings and what
// each step did, JSON) next to its thresholds; NULL: made from the raw CAMs. The
// immutability trigger is rebuilt to cover the new column.
import type { Migration } from './types.ts';

export const maskRefine: Migration = {
  version: 5,
  name: '005-mask-refine',
  up(db) {
    db.exec(`
      DROP TRIGGER masks_immutable;
      ALTER TABLE masks ADD COLUMN refine TEXT;
      CREATE TRIGGER masks_immutable BEFORE UPDATE OF
          id, image_id, png, width, height, source, method, layer, thresholds,
          model_hash, engine_version, created_at, ground_truth, refine ON masks
      BEGIN
        SELECT RAISE(ABORT, 'mask versions are immutable; save a new version instead');
      END;
    `);
  },
};
