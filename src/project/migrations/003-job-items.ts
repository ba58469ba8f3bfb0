// Per-image state of a batch job: the frozen selection (seq = position, shards slice by
// it), what each image's run left behind, and what a rollback must restore.
import type { Migration } from './types.ts';

export const jobItems: Migration = {
  version: 3,
  name: '003-job-items',
  up(db) {
    db.exec(`
      CREATE TABLE job_items (
        job_id       INTEGER NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
        seq          INTEGER NOT NULL,
        image_id     INTEGER NOT NULL REFERENCES images (id) ON DELETE CASCADE,
        state        TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'done', 'failed')),
        error        TEXT,
        -- the version this job wrote (NULL while pending, after a failure or a rollback)
        mask_id      INTEGER REFERENCES masks (id) ON DELETE SET NULL,
        -- the image's current version and review status before this job touched it
        prev_mask_id INTEGER,
        prev_status  TEXT,
        made_current INTEGER NOT NULL DEFAULT 0 CHECK (made_current IN (0, 1)),
        -- the project classes whose CAMs made the mask (JSON list; re-thresholding reads them)
        classes      TEXT CHECK (classes IS NULL OR json_valid(classes)),
        finished_at  TEXT,
        PRIMARY KEY (job_id, seq)
      ) WITHOUT ROWID;
      CREATE UNIQUE INDEX job_items_image ON job_items (job_id, image_id);
      CREATE INDEX job_items_by_state ON job_items (job_id, state, seq);
      CREATE INDEX job_items_by_mask ON job_items (mask_id) WHERE mask_id IS NOT NULL;

      ALTER TABLE jobs ADD COLUMN rolled_back_at TEXT;
    `);
  },
};
