// The images an export writes, and the ones it leaves out with why: every image with a
// current mask (CAM arrays: every image with stored CAMs), limited to approved ones on
// request; 'rejected' images are never exported (a reviewer said their mask is wrong).
// Read in id order, so the same project always gives the same list.
import type { ImageSummary } from '../contract/api.ts';
import type { LeftOut, LeftOutReason } from '../contract/export.ts';
import type { Project } from '../project/index.ts';
import { exportStems } from './names.ts';
import { assignSplits } from './splits.ts';
import type { ExportFormat, ExportItem, ExportOptions } from './types.ts';

/** how many names a LeftOut entry carries */
const EXAMPLES = 20;
const REASON_ORDER: readonly LeftOutReason[] = ['rejected', 'not-approved', 'no-mask', 'no-cams'];

export function allImages(project: Project): ImageSummary[] {
  return project.allImages({ sort: 'id' });
}

/** Why `image` is not exported with these settings, or null when it is. */
function leftOutReason(image: ImageSummary, format: ExportFormat, approvedOnly: boolean, hasCams: (id: number) => boolean): LeftOutReason | null {
  if (image.status === 'rejected') return 'rejected';
  if (approvedOnly && image.status !== 'approved') return 'not-approved';
  if (format === 'cams') return hasCams(image.id) ? null : 'no-cams';
  return image.hasMask ? null : 'no-mask';
}

/** The images an export with these settings writes, and the rest by reason. */
export function planExport(project: Project, opts: { format: ExportFormat; approvedOnly?: boolean }): { chosen: ImageSummary[]; all: ImageSummary[]; leftOut: LeftOut[] } {
  const all = allImages(project);
  const withCams = opts.format === 'cams' ? new Set(project.cams.imageIds()) : null;
  const chosen: ImageSummary[] = [];
  const byReason = new Map<LeftOutReason, LeftOut>();
  for (const image of all) {
    const reason = leftOutReason(image, opts.format, opts.approvedOnly ?? false, (id) => withCams!.has(id));
    if (reason === null) {
      chosen.push(image);
      continue;
    }
    let entry = byReason.get(reason);
    if (!entry) byReason.set(reason, (entry = { reason, count: 0, examples: [] }));
    entry.count++;
    if (entry.examples.length < EXAMPLES) entry.examples.push(image.name);
  }
  const leftOut = REASON_ORDER.flatMap((r) => byReason.get(r) ?? []);
  return { chosen, all, leftOut };
}

const REASON_TEXT: Record<LeftOutReason, string> = {
  rejected: 'rejected',
  'not-approved': 'not approved',
  'no-mask': 'without a mask',
  'no-cams': 'without stored CAMs',
};

/** '3 rejected, 57 without a mask' */
export function leftOutText(leftOut: readonly LeftOut[]): string {
  return leftOut.map((l) => `${l.count} ${REASON_TEXT[l.reason]}`).join(', ');
}

export function selectItems(project: Project, opts: Pick<ExportOptions, 'format' | 'approvedOnly' | 'split'>): { items: ExportItem[]; leftOut: LeftOut[] } {
  const { chosen, all, leftOut } = planExport(project, opts);
  // stems are decided over the whole project, so an image keeps its stem whatever subset is exported
  const stems = exportStems(all);
  const splits = assignSplits(chosen, opts.split);
  const items = chosen.map((i) => ({ id: i.id, name: i.name, width: i.width, height: i.height, stem: stems.get(i.id)!, split: splits.get(i.id)! }));
  return { items, leftOut };
}
