// A job's frozen selection and per-image state (table job_items, migration 003). Each
// image's result and its state change are written by the caller in one transaction, so
// after a crash an item is either done (with its mask) or still pending.
import type Database from 'better-sqlite3';
import { StudioError } from '../../contract/errors.ts';
import type { ReviewStatus } from '../../contract/api.ts';

export type JobItemState = 'pending' | 'done' | 'failed';

export interface JobItem {
  jobId: number;
  /** position in the frozen selection (0-based); shards slice by it */
  seq: number;
  imageId: number;
  state: JobItemState;
  error: string | null;
  maskId: number | null;
  prevMaskId: number | null;
  prevStatus: ReviewStatus | null;
  madeCurrent: boolean;
  /** project classes whose CAMs made the mask */
  classes: number[];
  finishedAt: string | null;
}

export interface JobItemCounts {
  total: number;
  pending: number;
  done: number;
  failed: number;
}

interface ItemRow {
  job_id: number;
  seq: number;
  image_id: number;
  state: JobItemState;
  error: string | null;
  mask_id: number | null;
  prev_mask_id: number | null;
  prev_status: ReviewStatus | null;
  made_current: number;
  classes: string | null;
  finished_at: string | null;
}

function toItem(r: ItemRow): JobItem {
  return {
    jobId: r.job_id,
    seq: r.seq,
    imageId: r.image_id,
    state: r.state,
    error: r.error,
    maskId: r.mask_id,
    prevMaskId: r.prev_mask_id,
    prevStatus: r.prev_status,
    madeCurrent: r.made_current === 1,
    classes: r.classes ? (JSON.parse(r.classes) as number[]) : [],
    finishedAt: r.finished_at,
  };
}

export class JobItemsRepo {
  private readonly insertStmt;
  private readonly doneStmt;
  private readonly failStmt;
  private readonly getStmt;

  constructor(private readonly db: Database.Database) {
    this.insertStmt = db.prepare("INSERT INTO job_items (job_id, seq, image_id, state) VALUES (?, ?, ?, 'pending')");
    this.doneStmt = db.prepare(
      `UPDATE job_items SET state = 'done', error = NULL, mask_id = @maskId, prev_mask_id = @prevMaskId, prev_status = @prevStatus,
         made_current = @madeCurrent, classes = @classes, finished_at = @now
       WHERE job_id = @jobId AND image_id = @imageId AND state != 'done'`,
    );
    this.failStmt = db.prepare("UPDATE job_items SET state = 'failed', error = ?, finished_at = ? WHERE job_id = ? AND image_id = ? AND state != 'done'");
    this.getStmt = db.prepare<[number, number], ItemRow>('SELECT * FROM job_items WHERE job_id = ? AND image_id = ?');
  }

  /** Freezes a selection: one pending item per image, seq = position. Call inside a transaction. */
  addAll(jobId: number, imageIds: readonly number[]): void {
    imageIds.forEach((id, seq) => this.insertStmt.run(jobId, seq, id));
  }

  get(jobId: number, imageId: number): JobItem | undefined {
    const r = this.getStmt.get(jobId, imageId);
    return r && toItem(r);
  }

  counts(jobId: number): JobItemCounts {
    const rows = this.db
      .prepare<[number], { state: JobItemState; n: number }>('SELECT state, count(*) AS n FROM job_items WHERE job_id = ? GROUP BY state')
      .all(jobId);
    const c: JobItemCounts = { total: 0, pending: 0, done: 0, failed: 0 };
    for (const r of rows) {
      c[r.state] = r.n;
      c.total += r.n;
    }
    return c;
  }

  /** Items of the job in seq order, optionally limited to states and a seq range [from, to). */
  list(jobId: number, opts: { states?: readonly JobItemState[]; seqFrom?: number; seqTo?: number } = {}): JobItem[] {
    const states = opts.states ?? ['pending', 'done', 'failed'];
    return this.db
      .prepare<[number, string, number, number], ItemRow>(
        `SELECT * FROM job_items WHERE job_id = ? AND state IN (SELECT value FROM json_each(?)) AND seq >= ? AND seq < ? ORDER BY seq`,
      )
      .all(jobId, JSON.stringify(states), opts.seqFrom ?? 0, opts.seqTo ?? Number.MAX_SAFE_INTEGER)
      .map(toItem);
  }

  /** Records an image's result. Returns false when it was already done (never twice). */
  markDone(
    jobId: number,
    imageId: number,
    r: { maskId: number | null; prevMaskId: number | null; prevStatus: ReviewStatus | null; madeCurrent: boolean; classes: readonly number[] },
    now: string,
  ): boolean {
    return (
      this.doneStmt.run({ jobId, imageId, maskId: r.maskId, prevMaskId: r.prevMaskId, prevStatus: r.prevStatus, madeCurrent: r.madeCurrent ? 1 : 0, classes: JSON.stringify(r.classes), now })
        .changes === 1
    );
  }

  markFailed(jobId: number, imageId: number, error: string, now: string): void {
    this.failStmt.run(error, now, jobId, imageId);
  }

  /** After a rollback the item keeps its state but no longer points at a version. */
  clearMask(jobId: number, imageId: number): void {
    this.db.prepare('UPDATE job_items SET mask_id = NULL, made_current = 0 WHERE job_id = ? AND image_id = ?').run(jobId, imageId);
  }

  /** Other jobs' items that recorded `maskId` as their previous version (rollback re-points them). */
  repointPrev(maskId: number, to: number | null): void {
    this.db.prepare('UPDATE job_items SET prev_mask_id = ? WHERE prev_mask_id = ?').run(to, maskId);
  }

  assertJob(jobId: number): void {
    const n = this.db.prepare<[number], { n: number }>('SELECT count(*) AS n FROM jobs WHERE id = ?').get(jobId)?.n ?? 0;
    if (n === 0) throw new StudioError('NOT_FOUND', `job ${jobId} does not exist`);
  }
}
