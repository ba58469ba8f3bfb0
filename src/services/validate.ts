// Runtime checks of every method's parameters, shared by the HTTP server and the Electron
// IPC router: whatever crosses a transport is untrusted until it passes here. Hand-written
// (no schema library): each validator returns the typed parameter tuple or throws a
// StudioError('BAD_REQUEST') that names the method and the bad field.
import { REVIEW_STATUSES, type ImageQuery, type ImageSort, type MethodName, type Params, type ReviewStatus } from '../contract/api.ts';
import { StudioError } from '../contract/errors.ts';

const SORTS: readonly ImageSort[] = ['name', 'id', 'status'];
const MAX_LIMIT = 1000;
const MAX_SEARCH = 200;

type Validators = { [M in MethodName]: (raw: unknown) => Params<M> };

function bad(method: string, what: string): StudioError {
  return new StudioError('BAD_REQUEST', `${method}: ${what}`);
}

function tuple(method: string, raw: unknown, n: number): unknown[] {
  if (raw === undefined && n === 0) return [];
  if (!Array.isArray(raw)) throw bad(method, `parameters must be a JSON array, got ${typeof raw}`);
  if (raw.length !== n) throw bad(method, `expects ${n} parameter${n === 1 ? '' : 's'}, got ${raw.length}`);
  return raw;
}

function int(method: string, name: string, v: unknown, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw bad(method, `${name} must be an integer in ${min}..${max}, got ${JSON.stringify(v) ?? String(v)}`);
  }
  return v;
}

function imageId(method: string, raw: unknown): [number] {
  const [id] = tuple(method, raw, 1);
  return [int(method, 'image id', id, 1)];
}

function imageQuery(raw: unknown): [ImageQuery] {
  const m = 'listImages';
  const [q] = tuple(m, raw, 1);
  if (typeof q !== 'object' || q === null || Array.isArray(q)) throw bad(m, 'the query must be an object');
  const o = q as Record<string, unknown>;
  const known = new Set(['classIndex', 'status', 'search', 'sort', 'offset', 'limit']);
  for (const k of Object.keys(o)) if (!known.has(k)) throw bad(m, `unknown query field '${k}'`);
  const out: ImageQuery = { offset: int(m, 'offset', o.offset, 0), limit: int(m, 'limit', o.limit, 0, MAX_LIMIT) };
  if (o.classIndex !== undefined) out.classIndex = int(m, 'classIndex', o.classIndex, 0, 255);
  if (o.status !== undefined) {
    if (!REVIEW_STATUSES.includes(o.status as ReviewStatus)) throw bad(m, `status must be one of ${REVIEW_STATUSES.join(', ')}`);
    out.status = o.status as ReviewStatus;
  }
  if (o.search !== undefined) {
    if (typeof o.search !== 'string' || o.search.length > MAX_SEARCH) throw bad(m, `search must be a string of at most ${MAX_SEARCH} characters`);
    out.search = o.search;
  }
  if (o.sort !== undefined) {
    if (!SORTS.includes(o.sort as ImageSort)) throw bad(m, `sort must be one of ${SORTS.join(', ')}`);
    out.sort = o.sort as ImageSort;
  }
  return [out];
}

/** Exhaustive by type: adding a method to StudioApi without a validator fails to compile. */
export const VALIDATORS: Validators = {
  projectInfo: (raw) => tuple('projectInfo', raw, 0) as [],
  listImages: imageQuery,
  getImage: (raw) => imageId('getImage', raw),
  thumbnail: (raw) => imageId('thumbnail', raw),
  imageBytes: (raw) => imageId('imageBytes', raw),
};

export function isMethodName(name: string): name is MethodName {
  return Object.prototype.hasOwnProperty.call(VALIDATORS, name);
}
