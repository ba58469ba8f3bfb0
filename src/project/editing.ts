// Editor-side changes to a project that span tables: restoring a mask version, bulk
// review status and tags, and renaming, recolouring or merging classes (mask versions and
// statuses are written through project/mask-writes.ts). Each is one
// transaction: a crash leaves the project as before or as after, never in between.
import type { ClassInfo, ReviewStatus } from '../contract/api.ts';
import { StudioError } from '../contract/errors.ts';
import { decodeLabelPng } from './png.ts';
import { writeTransaction } from './transaction.ts';
import type { Project } from './project.ts';
import type { MaskVersion } from './types.ts';
import { checkName } from './user-names.ts';

/** Makes an older version the current one again; the image becomes 'edited'. */
export function restoreMaskVersion(project: Project, imageId: number, versionId: number): MaskVersion {
  return project.maskWrites.restore(imageId, versionId);
}

/** One status for many images, all or none; 'approved' freezes each image's current mask. */
export function setStatusMany(project: Project, imageIds: readonly number[], status: ReviewStatus): void {
  writeTransaction(project.db, () => {
    for (const id of imageIds) project.maskWrites.setStatus(id, status);
  });
}

/** Adds and removes tags on many images (unknown classes refused before anything changes). */
export function editTags(project: Project, imageIds: readonly number[], add: readonly number[], remove: readonly number[]): void {
  const known = new Set(project.classes.list().map((c) => c.index));
  const bad = [...add, ...remove].filter((c) => !known.has(c));
  if (bad.length) throw new StudioError('BAD_REQUEST', `tags: unknown class index ${[...new Set(bad)].join(', ')}`);
  writeTransaction(project.db, () => {
    for (const id of imageIds) {
      project.images.get(id);
      project.images.addTags(id, add);
      project.images.removeTags(id, remove);
    }
  });
}

function classOrThrow(project: Project, index: number): ClassInfo {
  const c = project.classes.list().find((k) => k.index === index);
  if (!c) throw new StudioError('NOT_FOUND', `class ${index} does not exist`);
  return c;
}

/** Renames and/or recolours a class. */
export function updateClass(project: Project, index: number, change: { name?: string; color?: string }): ClassInfo {
  return writeTransaction(project.db, () => {
    const c = classOrThrow(project, index);
    if (change.name !== undefined) {
      let name: string;
      try {
        name = checkName('class', change.name);
      } catch (e) {
        throw new StudioError('BAD_REQUEST', `class ${c.name}: the new ${(e as Error).message}`);
      }
      const other = project.classes.indexOf(name);
      if (other !== undefined && other !== index) throw new StudioError('BAD_REQUEST', `class '${name}' already exists`);
      project.classes.rename(index, name);
    }
    if (change.color !== undefined) {
      const color = change.color.toLowerCase();
      if (!/^#[0-9a-f]{6}$/.test(color)) throw new StudioError('BAD_REQUEST', `class ${c.name}: colour '${change.color}' is not '#rrggbb'`);
      project.classes.setColor(index, color);
    }
    return classOrThrow(project, index);
  });
}

/**
 * Merges class `from` into `into`: tags move, each current mask holding `from` gets a new
 * version with those pixels relabelled (an approved image stays approved, its new version
 * frozen), models that output `from` now output `into`, cached CAMs of `from` are dropped
 * (they are a recomputable cache), and `from` is deleted. Older mask versions are never
 * rewritten: versions are immutable.
 */
export function mergeClasses(project: Project, from: number, into: number): { images: number; masks: number } {
  if (from === into) throw new StudioError('BAD_REQUEST', `cannot merge class ${from} into itself`);
  return writeTransaction(project.db, () => {
    classOrThrow(project, from);
    classOrThrow(project, into);
    const tagged = project.images.taggedWith(from);
    for (const id of tagged) project.images.addTags(id, [into]);
    let masks = 0;
    for (const imageId of project.masks.imagesWithCurrent()) {
      const cur = project.masks.current(imageId)!;
      const m = decodeLabelPng(cur.png, `mask of image ${imageId}`);
      if (!m.labels.includes(from)) continue;
      const labels = m.labels;
      for (let i = 0; i < labels.length; i++) if (labels[i] === from) labels[i] = into;
      project.maskWrites.relabelled(imageId, { labels, width: m.width, height: m.height }, cur.version);
      masks++;
    }
    project.models.remapClass(from, into);
    project.cams.deleteClass(from);
    project.classes.delete(from);
    return { images: tagged.length, masks };
  });
}
