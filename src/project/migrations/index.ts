// The ordered list of schema steps. Append only: a released migration never changes.
import { core } from './001-core.ts';
import { masksCams } from './002-masks-cams.ts';
import type { Migration } from './types.ts';

export const MIGRATIONS: readonly Migration[] = [core, masksCams];

/** The schema version this app writes. */
export const SCHEMA_VERSION = MIGRATIONS.length;

export type { Migration } from './types.ts';
