// Brings a database to the app's schema: pending migrations run in one transaction, so a
// failure leaves the file exactly as it was; PRAGMA user_version records the step reached.
import type Database from 'better-sqlite3';
import { StudioError } from '../contract/errors.ts';
import { openDatabase } from './db.ts';
import { MIGRATIONS, type Migration } from './migrations/index.ts';

export function schemaVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/**
 * Runs the migrations after the DB's user_version. `file` names the DB in errors.
 * Returns the versions before and after.
 */
export function migrate(
  db: Database.Database,
  file: string,
  migrations: readonly Migration[] = MIGRATIONS,
): { from: number; to: number } {
  const from = schemaVersion(db);
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new StudioError('INTERNAL', `migration ${m.name} says version ${m.version} at step ${i + 1} of the list`);
  });
  const latest = migrations.length === 0 ? 0 : migrations[migrations.length - 1].version;
  if (from > latest) {
    throw new StudioError(
      'BAD_REQUEST',
      `${file}: the project was written by a newer version of Relevance Studio (schema version ${from}; this app reads up to ${latest}). Update the app to open it.`,
    );
  }
  if (from === latest) return { from, to: from };
  const run = db.transaction(() => {
    for (const m of migrations.slice(from)) {
      m.up(db);
      // PRAGMA takes no bound parameters; the version is an integer we control
      db.pragma(`user_version = ${m.version}`);
    }
  });
  try {
    run.immediate();
  } catch (err) {
    if (err instanceof StudioError) throw err;
    throw new StudioError('INTERNAL', `${file}: schema migration failed, nothing was changed (${(err as Error).message})`);
  }
  return { from, to: latest };
}

let expected: Map<string, string> | null = null;

/** name → type of every table and index the migrations create, from a scratch in-memory run */
function expectedSchema(): Map<string, string> {
  if (!expected) {
    const mem = openDatabase(':memory:', { mustExist: false }); // Electron's own native binding too
    try {
      migrate(mem, ':memory:');
      expected = new Map(mem.prepare<[], { name: string; type: string }>("SELECT name, type FROM sqlite_master WHERE type IN ('table', 'index') AND name NOT LIKE 'sqlite_%'").all().map((r) => [r.name, r.type]));
    } finally {
      mem.close();
    }
  }
  return expected;
}

/**
 * After migrating: every table and index the schema version promises is there. A project
 * whose file lost one (a dropped table, a tool that rewrote it) is refused with what is
 * missing, instead of failing later with a raw 'no such table' on whatever is used first.
 */
export function checkSchema(db: Database.Database, file: string): void {
  const have = new Set(db.prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type IN ('table', 'index')").all().map((r) => r.name));
  const missing = [...expectedSchema()].filter(([name]) => !have.has(name));
  if (missing.length === 0) return;
  const list = missing.slice(0, 5).map(([name, type]) => `${type} '${name}'`).join(', ') + (missing.length > 5 ? `, and ${missing.length - 5} more` : '');
  throw new StudioError('IO_ERROR', `${file}: the project database is damaged: ${list} ${missing.length === 1 ? 'is' : 'are'} missing; restore project.sqlite from a backup (nothing was changed)`);
}
