import type Database from 'better-sqlite3';

/** One schema step. Migration N (1-based position in MIGRATIONS) brings user_version to N. */
export interface Migration {
  name: string;
  up(db: Database.Database): void;
}
