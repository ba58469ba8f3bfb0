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
}
