// Versioned masks with provenance, and cached CAMs.
import type { Migration } from './types.ts';

export const masksCams: Migration = {
  version: 2,
  name: '002-masks-cams',
  up(db) {
    db.exec(`
      -- A version is immutable once written (trigger below); a save always inserts.
      CREATE TABLE masks (
        id             INTEGER PRIMARY KEY AUTOINCREMENT,
        image_id       INTEGER NOT NULL REFERENCES images (id) ON DELETE CASCADE,
        png            BLOB NOT NULL,
        width          INTEGER NOT NULL,
        height         INTEGER NOT NULL,
        source         TEXT NOT NULL CHECK (source IN ('generated', 'edited', 'imported')),
        method         TEXT,
        layer          TEXT,
        thresholds     TEXT CHECK (thresholds IS NULL OR json_valid(thresholds)),
        model_hash     TEXT,
        engine_version TEXT,
        job_id         INTEGER REFERENCES jobs (id) ON DELETE SET NULL,
        created_at     TEXT NOT NULL,
        current        INTEGER NOT NULL DEFAULT 0 CHECK (current IN (0, 1)),
        frozen         INTEGER NOT NULL DEFAULT 0 CHECK (frozen IN (0, 1))
      );
      CREATE INDEX masks_by_image ON masks (image_id, id);
      -- at most one current version per image; also answers "has a mask?" quickly
      CREATE UNIQUE INDEX masks_current ON masks (image_id) WHERE current = 1;

      CREATE TRIGGER masks_immutable BEFORE UPDATE OF
          id, image_id, png, width, height, source, method, layer, thresholds,
          model_hash, engine_version, created_at ON masks
      BEGIN
        SELECT RAISE(ABORT, 'mask versions are immutable; save a new version instead');
      END;
      CREATE TRIGGER masks_stay_frozen BEFORE UPDATE OF frozen ON masks
      WHEN OLD.frozen = 1 AND NEW.frozen = 0
      BEGIN
        SELECT RAISE(ABORT, 'a frozen mask version cannot be unfrozen');
      END;
      -- approved work is never deleted by a prune, a bug, or a cascade
      CREATE TRIGGER masks_frozen_kept BEFORE DELETE ON masks WHEN OLD.frozen = 1
      BEGIN
        SELECT RAISE(ABORT, 'a frozen (approved) mask version cannot be deleted');
      END;

      CREATE TABLE cams (
        id         INTEGER PRIMARY KEY,
        image_id   INTEGER NOT NULL REFERENCES images (id) ON DELETE CASCADE,
        class_idx  INTEGER NOT NULL,
        model_hash TEXT NOT NULL,
        method     TEXT NOT NULL,
        layer      TEXT NOT NULL,
        h          INTEGER NOT NULL,
        w          INTEGER NOT NULL,
        data       BLOB NOT NULL CHECK (length(data) = h * w * 2),
        created_at TEXT NOT NULL
      );
      CREATE UNIQUE INDEX cams_key ON cams (image_id, class_idx, model_hash, method, layer);
    `);
  },
};
