import type Database from 'better-sqlite3';

/** One schema step: it brings user_version from `version − 1` to `version`. */
export interface Migration {
  version: number;
  name: string;
  up(db: Database.Database): void;
}
