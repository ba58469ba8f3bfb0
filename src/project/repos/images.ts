// Images, their tags and the grid's query.
import type Database from 'better-sqlite3';
import type { ImageQuery, ReviewStatus } from '../../contract/api.ts';
import { MAX_PAGE_SIZE, REVIEW_STATUSES } from '../../contract/api.ts';
import { StudioError } from '../../contract/errors.ts';
import type { ImageRecord, NewImage } from '../types.ts';

/** an images row: ImageRecord with the column's snake_case name */
type ImageRow = Omit<ImageRecord, 'addedAt'> & { added_at: string };

export interface ListedImage extends ImageRecord {
  tags: number[];
  hasMask: boolean;
  /** the current mask version's id (null: none) */
  maskId: number | null;
}

const COLS = 'id, name, path, hash, size, width, height, orientation, format, split, status, added_at';

const ORDER: Record<NonNullable<ImageQuery['sort']>, string> = {
  name: 'i.name, i.id',
  id: 'i.id',
  status: 'i.status, i.name, i.id',
};

function toRecord(r: ImageRow): ImageRecord {
  return {
    id: r.id,
    name: r.name,
    path: r.path,
    hash: r.hash,
    size: r.size,
    width: r.width,
    height: r.height,
    orientation: r.orientation,
    format: r.format,
    split: r.split,
    status: r.status,
    addedAt: r.added_at,
  };
}

export class ImagesRepo {
  private readonly insertStmt;
  private readonly getStmt;
  private readonly byPathStmt;
  private readonly byNameHashStmt;
  private readonly statusStmt;
  private readonly delTagsStmt;
  private readonly addTagStmt;
  private readonly tagsOfStmt;
  private readonly pageRowsStmt;
  private readonly pageTagsStmt;
  private readonly pageMasksStmt;
  private readonly setPathStmt;
  private readonly allStmt;

  constructor(private readonly db: Database.Database) {
    this.insertStmt = db.prepare(
      `INSERT INTO images (name, path, hash, size, width, height, orientation, format, split, added_at)
       VALUES (@name, @path, @hash, @size, @width, @height, @orientation, @format, @split, @addedAt)`,
    );
    this.getStmt = db.prepare<[number], ImageRow>(`SELECT ${COLS} FROM images WHERE id = ?`);
    this.byPathStmt = db.prepare<[string], ImageRow>(`SELECT ${COLS} FROM images WHERE path = ?`);
    this.byNameHashStmt = db.prepare<[string, string], ImageRow>(`SELECT ${COLS} FROM images WHERE name = ? AND hash = ?`);
    this.statusStmt = db.prepare('UPDATE images SET status = ? WHERE id = ?');
    this.delTagsStmt = db.prepare('DELETE FROM image_tags WHERE image_id = ?');
    this.addTagStmt = db.prepare('INSERT OR IGNORE INTO image_tags (image_id, class_idx) VALUES (?, ?)');
    this.tagsOfStmt = db.prepare<[number], { class_idx: number }>('SELECT class_idx FROM image_tags WHERE image_id = ? ORDER BY class_idx');
    this.pageRowsStmt = db.prepare<[string], ImageRow>(`SELECT ${COLS} FROM images WHERE id IN (SELECT value FROM json_each(?))`);
    this.pageTagsStmt = db.prepare<[string], { image_id: number; class_idx: number }>(
      'SELECT image_id, class_idx FROM image_tags WHERE image_id IN (SELECT value FROM json_each(?)) ORDER BY image_id, class_idx',
    );
    this.pageMasksStmt = db.prepare<[string], { image_id: number; id: number }>(
      'SELECT image_id, id FROM masks WHERE current = 1 AND image_id IN (SELECT value FROM json_each(?))',
    );
    this.setPathStmt = db.prepare('UPDATE images SET path = ? WHERE id = ?');
    this.allStmt = db.prepare<[], ImageRow>(`SELECT ${COLS} FROM images ORDER BY id`);
  }

  insert(img: NewImage, addedAt: string): number {
    return Number(this.insertStmt.run({ ...img, addedAt }).lastInsertRowid);
  }

  get(id: number): ImageRecord {
    const r = this.getStmt.get(id);
    if (!r) throw new StudioError('NOT_FOUND', `image ${id} is not in the project`);
    return toRecord(r);
  }

  /** every image's stored path (see paths.ts) */
  paths(): string[] {
    return this.db.prepare<[], { path: string }>('SELECT path FROM images').all().map((r) => r.path);
  }

  byPath(path: string): ImageRecord | undefined {
    const r = this.byPathStmt.get(path);
    return r && toRecord(r);
  }

  byNameHash(name: string, hash: string): ImageRecord | undefined {
    const r = this.byNameHashStmt.get(name, hash);
    return r && toRecord(r);
  }

  /** Every image, streamed in id order (relink, exports). */
  *all(): Generator<ImageRecord> {
    for (const r of this.allStmt.iterate()) yield toRecord(r);
  }

  setPath(id: number, path: string): void {
    this.setPathStmt.run(path, id);
  }

  setStatus(id: number, status: ReviewStatus): void {
    if (!REVIEW_STATUSES.includes(status)) throw new StudioError('BAD_REQUEST', `unknown review status '${String(status)}'`);
    if (this.statusStmt.run(status, id).changes === 0) throw new StudioError('NOT_FOUND', `image ${id} is not in the project`);
  }

  tags(id: number): number[] {
    return this.tagsOfStmt.all(id).map((r) => r.class_idx);
  }

  /** Replaces the image's tags. Call inside a transaction. */
  setTags(id: number, classIndices: Iterable<number>): void {
    this.delTagsStmt.run(id);
    this.addTags(id, classIndices);
  }

  addTags(id: number, classIndices: Iterable<number>): void {
    for (const c of classIndices) this.addTagStmt.run(id, c);
  }

  removeTags(id: number, classIndices: Iterable<number>): void {
    const drop = this.db.prepare('DELETE FROM image_tags WHERE image_id = ? AND class_idx = ?');
    for (const c of classIndices) drop.run(id, c);
  }

  /** the images tagged with a class, ascending */
  taggedWith(classIndex: number): number[] {
    return this.db.prepare<[number], { image_id: number }>('SELECT image_id FROM image_tags WHERE class_idx = ? ORDER BY image_id').all(classIndex).map((r) => r.image_id);
  }

  /**
   * The grid's query. Paging is LIMIT/OFFSET because a virtualised grid jumps to any
   * scroll position (keyset paging can only step page by page); the filtered, ordered
   * scan walks an index (images_by_status_name / images_by_name, tag checks by the
   * image_tags primary key), so an offset costs index steps, not table rows or a sort.
   * Rows, tags and masks of the page are then fetched by id.
   */
  list(q: ImageQuery): { total: number; items: ListedImage[] } {
    const { params } = listFilter(q);
    const limit = Math.max(0, Math.min(MAX_PAGE_SIZE, Math.floor(q.limit)));
    const offset = Math.max(0, Math.floor(q.offset));
    const total = (this.db.prepare(listCountSql(q)).get(...params) as { n: number }).n;
    const ids = this.db
      .prepare(listIdsSql(q))
      .pluck()
      .all(...params, limit, offset) as number[];
    if (ids.length === 0) return { total, items: [] };
    const json = JSON.stringify(ids);
    const rows = new Map(this.pageRowsStmt.all(json).map((r) => [r.id, r]));
    const tags = new Map<number, number[]>();
    for (const t of this.pageTagsStmt.all(json)) {
      const list = tags.get(t.image_id) ?? [];
      list.push(t.class_idx);
      tags.set(t.image_id, list);
    }
    const masks = new Map(this.pageMasksStmt.all(json).map((m) => [m.image_id, m.id]));
    const items = ids.map((id) => ({ ...toRecord(rows.get(id)!), tags: tags.get(id) ?? [], hasMask: masks.has(id), maskId: masks.get(id) ?? null }));
    return { total, items };
  }

  /** Every image the query's filter matches, in its order, read a page at a time. */
  listAll(q: Omit<ImageQuery, 'offset' | 'limit' | 'rank'>): ListedImage[] {
    const out: ListedImage[] = [];
    for (let offset = 0; ; offset += MAX_PAGE_SIZE) {
      const { items } = this.list({ ...q, offset, limit: MAX_PAGE_SIZE });
      out.push(...items);
      if (items.length < MAX_PAGE_SIZE) return out;
    }
  }

  stats(): { images: number; tagged: number; masks: number; statusCounts: Record<ReviewStatus, number> } {
    const one = (sql: string) => (this.db.prepare(sql).pluck().get() as number) ?? 0;
    const statusCounts = Object.fromEntries(REVIEW_STATUSES.map((s) => [s, 0])) as Record<ReviewStatus, number>;
    for (const r of this.db.prepare('SELECT status, count(*) AS n FROM images GROUP BY status').all() as { status: ReviewStatus; n: number }[]) {
      statusCounts[r.status] = r.n;
    }
    return {
      images: one('SELECT count(*) FROM images'),
      tagged: one('SELECT count(DISTINCT image_id) FROM image_tags'),
      masks: one('SELECT count(*) FROM masks WHERE current = 1'),
      statusCounts,
    };
  }
}

/** WHERE clause and parameters for an ImageQuery (exported for the query-plan test). */
export function listFilter(q: ImageQuery): { where: string; params: (string | number)[] } {
  const conds: string[] = [];
  const params: (string | number)[] = [];
  if (q.status !== undefined) {
    conds.push('i.status = ?');
    params.push(q.status);
  }
  if (q.classIndex !== undefined) {
    conds.push('EXISTS (SELECT 1 FROM image_tags t WHERE t.image_id = i.id AND t.class_idx = ?)');
    params.push(q.classIndex);
  }
  if (q.search) {
    conds.push("i.name LIKE ? ESCAPE '\\'");
    params.push(`%${q.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
  }
  return { where: conds.length ? `WHERE ${conds.join(' AND ')}` : '', params };
}

/**
 * The count for an ImageQuery (parameters are listFilter's). With a class filter the
 * count is driven by that class's tag index (only its images are visited), not by a
 * probe per image.
 */
export function listCountSql(q: ImageQuery): string {
  const { where } = listFilter(q);
  if (q.classIndex === undefined) return `SELECT count(*) AS n FROM images i ${where}`;
  return `SELECT count(*) AS n FROM image_tags c CROSS JOIN images i ON i.id = c.image_id ${where.replace(
    'EXISTS (SELECT 1 FROM image_tags t WHERE t.image_id = i.id AND t.class_idx = ?)',
    'c.class_idx = ?',
  )}`;
}

/** The page-of-ids statement: parameters are listFilter's, then limit, offset. */
export function listIdsSql(q: ImageQuery): string {
  const order = ORDER[q.sort ?? 'name'];
  if (!order) throw new StudioError('BAD_REQUEST', `unknown sort '${String(q.sort)}'`);
  return `SELECT i.id FROM images i ${listFilter(q).where} ORDER BY ${order} LIMIT ? OFFSET ?`;
}
