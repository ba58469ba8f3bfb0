// Runtime checks of every method's parameters, shared by the HTTP server and the Electron
// IPC router: whatever crosses a transport is untrusted until it passes here. Hand-written
// (no schema library): each validator returns the typed parameter tuple or throws a
// StudioError('BAD_REQUEST') that names the method and the bad field.
import { MAX_OVERLAYS, MAX_PAGE_SIZE, MAX_SEARCH_LENGTH as MAX_SEARCH, REVIEW_STATUSES, type CamKey, type ImageQuery, type ImageSort, type MaskOrigin, type MethodName, type OverlayStyle, type Params, type ReviewStatus } from '../contract/api.ts';
import { OVERLAY_STYLES } from '../masks/overlay.ts';
import { bad, bytes, int, intList, num, object, oneOf, text, tuple } from './check.ts';
import { EXPORT_VALIDATORS } from './validate-export.ts';
import { GENERATION_VALIDATORS } from './validate-generation.ts';
import { PROJECTS_VALIDATORS } from './validate-projects.ts';

const SORTS: readonly ImageSort[] = ['name', 'id', 'status'];

type Validators = { [M in MethodName]: (raw: unknown) => Params<M> };

function imageId(method: string, raw: unknown): [number] {
  const [id] = tuple(method, raw, 1);
  return [int(method, 'image id', id, 1)];
}

function imageQuery(raw: unknown): [ImageQuery] {
  const m = 'listImages';
  const [q] = tuple(m, raw, 1);
  if (typeof q !== 'object' || q === null || Array.isArray(q)) throw bad(m, 'the query must be an object');
  const o = q as Record<string, unknown>;
  const known = new Set(['classIndex', 'status', 'search', 'sort', 'rank', 'offset', 'limit']);
  for (const k of Object.keys(o)) if (!known.has(k)) throw bad(m, `unknown query field '${k}'`);
  const out: ImageQuery = { offset: int(m, 'offset', o.offset, 0), limit: int(m, 'limit', o.limit, 0, MAX_PAGE_SIZE) };
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
  if (o.rank !== undefined) {
    if (o.rank !== 'confidence' && o.rank !== 'disagreement') throw bad(m, 'rank must be confidence or disagreement');
    out.rank = o.rank;
  }
  return [out];
}

const MAX_IDS = 100_000;
const MAX_TEXT = 200;

function status(method: string, v: unknown): ReviewStatus {
  if (!REVIEW_STATUSES.includes(v as ReviewStatus)) throw bad(method, `status must be one of ${REVIEW_STATUSES.join(', ')}`);
  return v as ReviewStatus;
}

function classIndex(method: string, name: string, v: unknown): number {
  return int(method, name, v, 1, 254);
}

function camKey(raw: unknown): [CamKey] {
  const m = 'camData';
  const [k] = tuple(m, raw, 1);
  if (typeof k !== 'object' || k === null || Array.isArray(k)) throw bad(m, 'the key must be an object');
  const o = k as Record<string, unknown>;
  return [
    {
      imageId: int(m, 'imageId', o.imageId, 1),
      classIndex: int(m, 'classIndex', o.classIndex, 0, 255),
      method: text(m, 'method', o.method, MAX_TEXT),
      layer: text(m, 'layer', o.layer, MAX_TEXT),
      modelHash: text(m, 'modelHash', o.modelHash, MAX_TEXT),
    },
  ];
}

function classChange(raw: unknown): [number, { name?: string; color?: string }] {
  const m = 'updateClass';
  const [idx, change] = tuple(m, raw, 2);
  if (typeof change !== 'object' || change === null || Array.isArray(change)) throw bad(m, 'the change must be an object {name?, color?}');
  const o = change as Record<string, unknown>;
  for (const key of Object.keys(o)) if (key !== 'name' && key !== 'color') throw bad(m, `unknown field '${key}'`);
  const out: { name?: string; color?: string } = {};
  if (o.name !== undefined) out.name = text(m, 'name', o.name, MAX_TEXT);
  if (o.color !== undefined) out.color = text(m, 'color', o.color, 7);
  return [classIndex(m, 'class index', idx), out];
}

/** Exhaustive by type: adding a method to StudioApi without a validator fails to compile. */
export const VALIDATORS: Validators = {
  ...GENERATION_VALIDATORS,
  ...EXPORT_VALIDATORS,
  ...PROJECTS_VALIDATORS,
  projectInfo: (raw) => tuple('projectInfo', raw, 0) as [],
  listImages: imageQuery,
  getImage: (raw) => imageId('getImage', raw),
  thumbnail: (raw) => imageId('thumbnail', raw),
  maskOverlays: (raw) => {
    const m = 'maskOverlays';
    const [ids, style] = tuple(m, raw, 2);
    return [intList(m, 'image ids', ids, 1, Number.MAX_SAFE_INTEGER, MAX_OVERLAYS), oneOf<OverlayStyle>(m, 'style', style, OVERLAY_STYLES)];
  },
  maskSummaries: (raw) => {
    const [ids] = tuple('maskSummaries', raw, 1);
    return [intList('maskSummaries', 'image ids', ids, 1, Number.MAX_SAFE_INTEGER, MAX_PAGE_SIZE)];
  },
  imageBytes: (raw) => imageId('imageBytes', raw),
  maskVersions: (raw) => imageId('maskVersions', raw),
  maskPng: (raw) => {
    const [id, version] = tuple('maskPng', raw, 2);
    return [int('maskPng', 'image id', id, 1), version === null ? null : int('maskPng', 'version id', version, 1)];
  },
  saveMask: (raw) => {
    const [id, png] = tuple('saveMask', raw, 2);
    return [int('saveMask', 'image id', id, 1), bytes('saveMask', 'png', png)];
  },
  adoptMask: (raw) => {
    const m = 'adoptMask';
    const [id, origin, png] = tuple(m, raw, 3);
    const o = object(m, 'origin', origin, ['method', 'layer', 'refine', 'bg']);
    const out: MaskOrigin = { method: text(m, 'method', o.method, MAX_TEXT, true), layer: text(m, 'layer', o.layer, MAX_TEXT, true), refine: text(m, 'refine', o.refine, MAX_TEXT, true), bg: num(m, 'bg', o.bg, 0, 1) };
    return [int(m, 'image id', id, 1), out, bytes(m, 'png', png)];
  },
  restoreMaskVersion: (raw) => {
    const [id, version] = tuple('restoreMaskVersion', raw, 2);
    return [int('restoreMaskVersion', 'image id', id, 1), int('restoreMaskVersion', 'version id', version, 1)];
  },
  setStatus: (raw) => {
    const [ids, s] = tuple('setStatus', raw, 2);
    return [intList('setStatus', 'image ids', ids, 1, Number.MAX_SAFE_INTEGER, MAX_IDS), status('setStatus', s)];
  },
  setTags: (raw) => {
    const [id, tags] = tuple('setTags', raw, 2);
    return [int('setTags', 'image id', id, 1), intList('setTags', 'class indices', tags, 1, 254, 254)];
  },
  editTags: (raw) => {
    const m = 'editTags';
    const [ids, add, remove] = tuple(m, raw, 3);
    return [intList(m, 'image ids', ids, 1, Number.MAX_SAFE_INTEGER, MAX_IDS), intList(m, 'add', add, 1, 254, 254), intList(m, 'remove', remove, 1, 254, 254)];
  },
  updateClass: classChange,
  mergeClasses: (raw) => {
    const [from, into] = tuple('mergeClasses', raw, 2);
    return [classIndex('mergeClasses', 'from', from), classIndex('mergeClasses', 'into', into)];
  },
  listCams: (raw) => imageId('listCams', raw),
  camData: camKey,
  imageScores: (raw) => {
    const [ids] = tuple('imageScores', raw, 1);
    return [intList('imageScores', 'image ids', ids, 1, Number.MAX_SAFE_INTEGER, MAX_PAGE_SIZE)];
  },
};

export function isMethodName(name: string): name is MethodName {
  return Object.prototype.hasOwnProperty.call(VALIDATORS, name);
}
