// Project classes: index (the label-map value), name, colour.
import type Database from 'better-sqlite3';
import type { ClassInfo } from '../../contract/api.ts';
import { StudioError } from '../../contract/errors.ts';
import { defaultClassColor } from '../../masks/palette.ts';
import { checkName } from '../user-names.ts';

const MAX_CLASSES = 254; // 0 is background and 255 ignore in a uint8 label map

export class ClassesRepo {
  private readonly listStmt;
  private readonly byNameStmt;
  private readonly maxStmt;
  private readonly insertStmt;
  private readonly colorsStmt;

  constructor(private readonly db: Database.Database) {
    this.listStmt = db.prepare<[], { idx: number; name: string; color: string; n: number }>(
      `SELECT c.idx, c.name, c.color, (SELECT count(*) FROM image_tags t WHERE t.class_idx = c.idx) AS n
       FROM classes c ORDER BY c.idx`,
    );
    this.byNameStmt = db.prepare<[string], { idx: number }>('SELECT idx FROM classes WHERE name = ?');
    this.maxStmt = db.prepare<[], { m: number | null }>('SELECT max(idx) AS m FROM classes');
    this.insertStmt = db.prepare('INSERT INTO classes (idx, name, color) VALUES (?, ?, ?)');
    this.colorsStmt = db.prepare<[], { idx: number; color: string }>('SELECT idx, color FROM classes ORDER BY idx');
  }

  list(): ClassInfo[] {
    return this.listStmt.all().map((r) => ({ index: r.idx, name: r.name, color: r.color, imageCount: r.n }));
  }

  /** index and colour of every class (cheap: no tag counts) */
  colors(): { index: number; color: string }[] {
    return this.colorsStmt.all().map((r) => ({ index: r.idx, color: r.color }));
  }

  indexOf(name: string): number | undefined {
    return this.byNameStmt.get(name)?.idx;
  }

  /** Appends a class at the next index. Colour: '#rrggbb', the default class palette (src/masks/palette.ts) by default. */
  add(name: string, color?: string): ClassInfo {
    const clean = checkName('class', name);
    if (this.indexOf(clean) !== undefined) throw new StudioError('BAD_REQUEST', `class '${clean}' already exists`);
    const idx = (this.maxStmt.get()?.m ?? 0) + 1;
    if (idx > MAX_CLASSES) throw new StudioError('BAD_REQUEST', `cannot add class '${clean}': a project holds at most ${MAX_CLASSES} classes`);
    const c = (color ?? defaultClassColor(idx)).toLowerCase();
    if (!/^#[0-9a-f]{6}$/.test(c)) throw new StudioError('BAD_REQUEST', `class '${clean}': colour '${color}' is not '#rrggbb'`);
    this.insertStmt.run(idx, clean, c);
    return { index: idx, name: clean, color: c, imageCount: 0 };
  }

  rename(index: number, name: string): void {
    this.db.prepare('UPDATE classes SET name = ? WHERE idx = ?').run(name, index);
  }

  setColor(index: number, color: string): void {
    this.db.prepare('UPDATE classes SET color = ? WHERE idx = ?').run(color, index);
  }

  /** Deletes the class row only: its tags, masks, models and CAMs are the caller's (editing.ts mergeClasses). */
  delete(index: number): void {
    this.db.prepare('DELETE FROM classes WHERE idx = ?').run(index);
  }

  /** Indices for `names`, creating the missing ones (in the order given). Call inside a transaction. */
  ensure(names: Iterable<string>): { indices: Map<string, number>; created: string[] } {
    const indices = new Map<string, number>();
    const created: string[] = [];
    for (const raw of names) {
      if (!raw.trim()) continue;
      const name = checkName('class', raw);
      if (indices.has(name)) continue;
      let idx = this.indexOf(name);
      if (idx === undefined) {
        idx = this.add(name).index;
        created.push(name);
      }
      indices.set(name, idx);
    }
    return { indices, created };
  }
}
