// A glance at a project that is not open (the Projects home's cards): its name and numbers
// read over a read-only connection. Nothing is migrated or written, so listing recent
// projects never changes one; a project from a newer app, or one that cannot be read,
// answers with why.
import { join } from 'node:path';
import { DB_FILE, openReadOnly } from './db.ts';
import { SCHEMA_VERSION } from './migrations/index.ts';

export interface ProjectPeek {
  name: string | null;
  stats: { images: number; masks: number; approved: number; classes: number } | null;
  problem?: string;
}

export function peekProject(dir: string): ProjectPeek {
  let db;
  try {
    db = openReadOnly(join(dir, DB_FILE));
  } catch (err) {
    return { name: null, stats: null, problem: `cannot be read (${(err as Error).message.split('\n')[0]})` };
  }
  try {
    const one = (sql: string) => (db.prepare(sql).pluck().get() as number | undefined) ?? 0;
    const version = db.pragma('user_version', { simple: true }) as number;
    const name = (db.prepare("SELECT value FROM meta WHERE key = 'name'").pluck().get() as string | undefined) ?? null;
    if (version > SCHEMA_VERSION) return { name, stats: null, problem: `made by a newer version of the studio (schema ${version}; this one reads up to ${SCHEMA_VERSION})` };
    return {
      name,
      stats: {
        images: one('SELECT count(*) FROM images'),
        masks: one('SELECT count(*) FROM masks WHERE current = 1'),
        approved: one("SELECT count(*) FROM images WHERE status = 'approved'"),
        classes: one('SELECT count(*) FROM classes'),
      },
    };
  } catch (err) {
    return { name: null, stats: null, problem: `cannot be read (${(err as Error).message.split('\n')[0]})` };
  } finally {
    db.close();
  }
}
