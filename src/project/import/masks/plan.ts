// What a mask import plans before it writes anything: one entry per mask file, either a
// label map to build for one project image or the reason that file cannot be imported.
// The format readers (coco.ts, voc.ts) make plans; index.ts saves them.
import type { Project } from '../../project.ts';

/** One mask ready to save, or the reason it cannot be. */
export type PlannedMask =
  | { file: string; imageId: number; build: () => Uint8Array /* label map */ }
  | { file: string; error: string };

export interface MaskImportPlan {
  items: PlannedMask[];
}

/** Project classes by name. */
export function classesByName(project: Project): Map<string, number> {
  return new Map(project.listClasses().map((c) => [c.name, c.index]));
}
