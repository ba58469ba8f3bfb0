// Classifier models registered in the project (the file stays where the user keeps it).
import type Database from 'better-sqlite3';
import { StudioError } from '../../contract/errors.ts';
import type { ModelRecord } from '../types.ts';

interface ModelRow {
  id: number;
  file: string;
  format: ModelRecord['format'];
  preprocessing: string;
  hash: string;
  class_map: string;
  added_at: string;
}

function toRecord(r: ModelRow): ModelRecord {
  return {
    id: r.id,
    file: r.file,
    format: r.format,
    preprocessing: JSON.parse(r.preprocessing) as Record<string, unknown>,
    hash: r.hash,
    classMap: JSON.parse(r.class_map) as number[],
    addedAt: r.added_at,
  };
}

export class ModelsRepo {
  constructor(private readonly db: Database.Database) {}

  /** Registers a model; the same hash registered again returns the existing record. */
  add(m: Omit<ModelRecord, 'id' | 'addedAt'>, addedAt: string): ModelRecord {
    const existing = this.byHash(m.hash);
    if (existing) return existing;
    if (m.format !== 'onnx' && m.format !== 'tfjs-layers') throw new StudioError('BAD_REQUEST', `${m.file}: unknown model format '${String(m.format)}'`);
    const id = Number(
      this.db
        .prepare('INSERT INTO models (file, format, preprocessing, hash, class_map, added_at) VALUES (?, ?, ?, ?, ?, ?)')
        .run(m.file, m.format, JSON.stringify(m.preprocessing), m.hash, JSON.stringify(m.classMap), addedAt).lastInsertRowid,
    );
    return { ...m, id, addedAt };
  }

  byHash(hash: string): ModelRecord | undefined {
    const r = this.db.prepare<[string], ModelRow>('SELECT * FROM models WHERE hash = ?').get(hash);
    return r && toRecord(r);
  }

  /** Models that output class `from` output `into` instead (a class merge). */
  remapClass(from: number, into: number): void {
    for (const m of this.list()) {
      if (m.classMap.includes(from)) this.db.prepare('UPDATE models SET class_map = ? WHERE id = ?').run(JSON.stringify(m.classMap.map((c) => (c === from ? into : c))), m.id);
    }
  }

  list(): ModelRecord[] {
    return this.db.prepare<[], ModelRow>('SELECT * FROM models ORDER BY id').all().map(toRecord);
  }

  /**
   * The model generation uses when none is named: the one chosen with setActive while it
   * is registered, else the latest added.
   */
  active(): ModelRecord | undefined {
    const chosen = this.db.prepare<[], { value: string }>(`SELECT value FROM meta WHERE key = '${ACTIVE_KEY}'`).get();
    const all = this.list();
    return all.find((m) => String(m.id) === chosen?.value) ?? all.at(-1);
  }

  setActive(id: number): void {
    this.get(id);
    this.db.prepare(`INSERT INTO meta (key, value) VALUES ('${ACTIVE_KEY}', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`).run(String(id));
  }

  /** Unregisters a model (masks and CAMs made with it stay: they carry its hash). */
  remove(id: number): void {
    this.get(id);
    this.db.prepare('DELETE FROM models WHERE id = ?').run(id);
  }

  get(id: number): ModelRecord {
    const r = this.db.prepare<[number], ModelRow>('SELECT * FROM models WHERE id = ?').get(id);
    if (!r) throw new StudioError('NOT_FOUND', `model ${id} is not in this project`);
    return toRecord(r);
  }
}

/** the meta key naming the active model's id */
const ACTIVE_KEY = 'active_model';
