// Brings a database to the app's schema: pending migrations run in one transaction, so a
// failure leaves the file exactly as it was; PRAGMA user_version records the step reached.
import type Database from 'better-sqlite3';
import { StudioError } from '../contract/errors.ts';
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
  const latest = migrations.length;
  if (from > latest) {
    throw new StudioError(
      'BAD_REQUEST',
      `${file}: the project was written by a newer version of Relevance Studio (schema version ${from}; this app reads up to ${latest}). Update the app to open it.`,
    );
  }
  if (from === latest) return { from, to: from };
  const run = db.transaction(() => {
    for (let v = from; v < latest; v++) {
      migrations[v].up(db);
      // PRAGMA takes no bound parameters; v is an integer we control
      db.pragma(`user_version = ${v + 1}`);
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
