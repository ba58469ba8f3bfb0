// A job's selection, frozen as image ids in id order when the job is created.
import type { ImageQuery } from '../contract/api.ts';
import type { Project } from '../project/index.ts';
import type { Selection } from './types.ts';

const PAGE = 1000;

export function selectImages(project: Project, sel: Selection): number[] {
  const q: ImageQuery = { sort: 'id', offset: 0, limit: PAGE };
  if (sel.kind === 'filter') {
    if (sel.status !== undefined) q.status = sel.status;
    if (sel.classIndex !== undefined) q.classIndex = sel.classIndex;
    if (sel.search) q.search = sel.search;
  }
  const ids = sel.kind === 'filter' && sel.imageIds ? new Set(sel.imageIds) : null;
  const out: number[] = [];
  for (let offset = 0; ; offset += PAGE) {
    const { items } = project.images.list({ ...q, offset });
    for (const it of items) {
      if (sel.kind === 'without-mask' && it.hasMask) continue;
      if (sel.kind === 'filter' && sel.split !== undefined && it.split !== sel.split) continue;
      if (ids && !ids.has(it.id)) continue;
      out.push(it.id);
    }
    if (items.length < PAGE) break;
  }
  return out;
}
