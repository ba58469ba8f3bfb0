// The images an export writes: every image with a current mask (or, for CAM arrays,
// every image), limited to approved ones on request; 'rejected' images are never
// exported (a reviewer said their mask is wrong). Read in id order, so the same project
// always gives the same list.
import type { ImageSummary } from '../contract/api.ts';
import type { Project } from '../project/index.ts';
import { exportStems } from './names.ts';
import { assignSplits } from './splits.ts';
import type { ExportItem, ExportOptions } from './types.ts';

export function allImages(project: Project): ImageSummary[] {
  return project.allImages({ sort: 'id' });
}

export function selectItems(project: Project, opts: Pick<ExportOptions, 'approvedOnly' | 'split'>, needMask: boolean): ExportItem[] {
  const all = allImages(project);
  // stems are decided over the whole project, so an image keeps its stem whatever subset is exported
  const stems = exportStems(all);
  const chosen = all.filter((i) => (opts.approvedOnly ? i.status === 'approved' : i.status !== 'rejected') && (!needMask || i.hasMask));
  const splits = assignSplits(chosen, opts.split);
  return chosen.map((i) => ({ id: i.id, name: i.name, width: i.width, height: i.height, stem: stems.get(i.id)!, split: splits.get(i.id)! }));
}
