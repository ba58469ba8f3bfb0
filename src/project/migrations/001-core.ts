// Classes, images and their tags: what an imported dataset needs.
import type { Migration } from './types.ts';

export const core: Migration = {
  version: 1,
  name: '001-core',
  up(db) {
    db.exec(`
      CREATE TABLE meta (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
      ) WITHOUT ROWID;

      -- idx is the label-map value: 1..254 (0 background, 255 ignore).
      CREATE TABLE classes (
        idx   INTEGER PRIMARY KEY CHECK (idx BETWEEN 1 AND 254),
        name  TEXT NOT NULL UNIQUE,
        color TEXT NOT NULL CHECK (color GLOB '#[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]')
      );

      -- path: relative to the project folder (with '/') when inside it, else absolute.
      -- name: the path inside the dataset, shown to the user and used for identity with hash.
      -- width/height are after EXIF orientation.
      CREATE TABLE images (
        id          INTEGER PRIMARY KEY AUTOINCREMENT, -- never reused: thumbnails are cached by id
        name        TEXT NOT NULL,
        path        TEXT NOT NULL,
        hash        TEXT NOT NULL,
        size        INTEGER NOT NULL,
        width       INTEGER NOT NULL,
        height      INTEGER NOT NULL,
        orientation INTEGER NOT NULL DEFAULT 1,
        format      TEXT NOT NULL,
        split       TEXT CHECK (split IN ('train', 'val', 'test')),
        status      TEXT NOT NULL DEFAULT 'unreviewed'
                    CHECK (status IN ('unreviewed', 'generated', 'edited', 'approved', 'rejected')),
        added_at    TEXT NOT NULL
      );
      CREATE UNIQUE INDEX images_name_hash ON images (name, hash);
      CREATE UNIQUE INDEX images_path ON images (path);
      CREATE INDEX images_hash ON images (hash);
      -- The grid: ORDER BY name (sort 'name') and status filter / sort 'status'.
      CREATE INDEX images_by_name ON images (name, id);
      CREATE INDEX images_by_status_name ON images (status, name, id);

      -- (image, class) is the primary key so "has tag c?" is one b-tree probe;
      -- the second index drives "images of class c" and per-class counts.
      CREATE TABLE image_tags (
        image_id  INTEGER NOT NULL REFERENCES images (id) ON DELETE CASCADE,
        class_idx INTEGER NOT NULL REFERENCES classes (idx) ON DELETE CASCADE,
        PRIMARY KEY (image_id, class_idx)
      ) WITHOUT ROWID;
      CREATE INDEX image_tags_by_class ON image_tags (class_idx, image_id);

      CREATE TABLE models (
        id            INTEGER PRIMARY KEY,
        file          TEXT NOT NULL,
        format        TEXT NOT NULL CHECK (format IN ('tfjs-layers', 'onnx')),
        preprocessing TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(preprocessing)),
        hash          TEXT NOT NULL UNIQUE,
        class_map     TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(class_map)),
        added_at      TEXT NOT NULL
      );

      CREATE TABLE jobs (
        id         INTEGER PRIMARY KEY,
        kind       TEXT NOT NULL,
        params     TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(params)),
        status     TEXT NOT NULL DEFAULT 'queued'
                   CHECK (status IN ('queued', 'running', 'done', 'failed', 'cancelled')),
        error      TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      CREATE INDEX jobs_by_status ON jobs (status, id);
    `);
  },
};
