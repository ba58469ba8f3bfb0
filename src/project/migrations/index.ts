// The ordered list of schema steps, each carrying its own version (1, 2, …, no gaps; migrate
// refuses a list that skips one). Append only: a released migration never changes.
import { core } from './001-core.ts';
import { masksCams } from './002-masks-cams.ts';
import { jobItems } from './003-job-items.ts';
import { groundTruth } from './004-ground-truth.ts';
import { maskRefine } from './005-mask-refine.ts';
import type { Migration } from './types.ts';

export const MIGRATIONS: readonly Migration[] = [core, masksCams, jobItems, groundTruth, maskRefine];

/** The schema version this app writes. */
export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;

export type { Migration } from './types.ts';
