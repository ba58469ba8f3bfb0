// Batch jobs: the record a resumable run keeps (the queue itself lives in src/jobs).
import type Database from 'better-sqlite3';
import { StudioError } from '../../contract/errors.ts';
import type { JobRecord, JobStatus } from '../types.ts';

interface JobRow {
  id: number;
  kind: string;
  params: string;
  status: JobStatus;
  error: string | null;
  created_at: string;
  updated_at: string;
  rolled_back_at: string | null;
}

function toRecord(r: JobRow): JobRecord {
  return {
    id: r.id,
    kind: r.kind,
    params: JSON.parse(r.params) as Record<string, unknown>,
    status: r.status,
    error: r.error,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    rolledBackAt: r.rolled_back_at ?? null,
  };
}

export class JobsRepo {
  constructor(private readonly db: Database.Database) {}

  create(kind: string, params: Record<string, unknown>, now: string): JobRecord {
    const id = Number(
      this.db
        .prepare("INSERT INTO jobs (kind, params, status, created_at, updated_at) VALUES (?, ?, 'queued', ?, ?)")
        .run(kind, JSON.stringify(params), now, now).lastInsertRowid,
    );
    return this.get(id);
  }

  get(id: number): JobRecord {
    const r = this.db.prepare<[number], JobRow>('SELECT * FROM jobs WHERE id = ?').get(id);
    if (!r) throw new StudioError('NOT_FOUND', `job ${id} does not exist`);
    return toRecord(r);
  }

  setStatus(id: number, status: JobStatus, now: string, error: string | null = null): void {
    const res = this.db.prepare('UPDATE jobs SET status = ?, error = ?, updated_at = ? WHERE id = ?').run(status, error, now, id);
    if (res.changes === 0) throw new StudioError('NOT_FOUND', `job ${id} does not exist`);
  }

  /** The newest job of `kind` with exactly these parameters, finished or not, that was not rolled back. */
  findLatest(kind: string, params: Record<string, unknown>): JobRecord | undefined {
    const r = this.db
      .prepare<[string, string], JobRow>('SELECT * FROM jobs WHERE kind = ? AND params = ? AND rolled_back_at IS NULL ORDER BY id DESC LIMIT 1')
      .get(kind, JSON.stringify(params));
    return r && toRecord(r);
  }

  setRolledBack(id: number, now: string): void {
    this.db.prepare('UPDATE jobs SET rolled_back_at = ?, updated_at = ? WHERE id = ?').run(now, now, id);
  }

  list(status?: JobStatus): JobRecord[] {
    const rows = status
      ? this.db.prepare<[string], JobRow>('SELECT * FROM jobs WHERE status = ? ORDER BY id').all(status)
      : this.db.prepare<[], JobRow>('SELECT * FROM jobs ORDER BY id').all();
    return rows.map(toRecord);
  }
}
