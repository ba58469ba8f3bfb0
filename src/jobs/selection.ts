// A job's selection, frozen as image ids in id order when the job is created.
import type { ImageQuery } from '../contract/api.ts';
import { StudioError } from '../contract/errors.ts';
import type { Project } from '../project/index.ts';
import type { Selection } from './types.ts';

export function selectImages(project: Project, sel: Selection): number[] {
  if (sel.kind === 'ids') return existingIds(project, sel.ids);
  const q: Omit<ImageQuery, 'offset' | 'limit'> = { sort: 'id' };
  if (sel.kind === 'filter') {
    if (sel.status !== undefined) q.status = sel.status;
    if (sel.classIndex !== undefined) q.classIndex = sel.classIndex;
    if (sel.search) q.search = sel.search;
  }
  const ids = sel.kind === 'filter' && sel.imageIds ? new Set(sel.imageIds) : null;
  return project.images
    .listAll(q)
    .filter((it) => !(sel.kind === 'without-mask' && it.hasMask) && !(sel.kind === 'filter' && sel.split !== undefined && it.split !== sel.split) && (!ids || ids.has(it.id)))
    .map((it) => it.id);
}

/**
 * The ids of an 'ids' selection, unique and in id order; refuses the whole selection when
 * an id is not in the project (a stale grid selection must not silently shrink the job).
 */
export function existingIds(project: Project, ids: readonly number[]): number[] {
  const unique = [...new Set(ids)].sort((a, b) => a - b);
  const missing: number[] = [];
  for (const id of unique) {
    try {
      project.images.get(id);
    } catch {
      missing.push(id);
    }
  }
  if (missing.length > 0) {
    const shown = missing.slice(0, 5).join(', ') + (missing.length > 5 ? ` and ${missing.length - 5} more` : '');
    throw new StudioError('BAD_REQUEST', `selection: image${missing.length === 1 ? '' : 's'} ${shown} ${missing.length === 1 ? 'is' : 'are'} not in ${project.info().name}`);
  }
  return unique;
}
