// Reading a job's stored CAMs back — the one home for it: re-thresholding / re-refining a
// finished job and merging a shard's results both read an image's maps here.
//
// A class's map at the job's layer must be there (its absence is an error naming the
// image, the class and the layer). A deeper layer keeps the maps that were stored, even
// when some class lacks one: merging then copies everything the shard has, and the
// chain's gate names the class it lacks and does not run (refine.ts), the same way on a
// shard, a merged project or a re-refine.
import { StudioError } from '../contract/errors.ts';
import type { StoredCam } from '../masks/cam-mask.ts';
import type { Project } from '../project/index.ts';

/** Which maps: the model, the cams table's method key (method plus multi-scale variant), the job's layer. */
export interface StoredCamKey {
  modelHash: string;
  camMethod: string;
  layer: string;
}

/** What one image's mask is made from: the job layer's CAMs and the deeper layers' that were stored. */
export interface StoredCamsOfImage {
  /** ascending class index */
  cams: StoredCam[];
  /** by layer; a layer with no stored map at all is absent */
  deep: Record<string, StoredCam[]>;
}

/** `classes`' maps of image `imageId` (named `name` in errors) at the key's layer and at `deepLayers`. */
export function readStoredCams(project: Project, key: StoredCamKey, imageId: number, classes: readonly number[], deepLayers: readonly string[], name: string): StoredCamsOfImage {
  const sorted = [...classes].sort((a, b) => a - b);
  const at = (layer: string, classIndex: number): StoredCam | null => {
    const rec = project.cams.get({ imageId, classIndex, modelHash: key.modelHash, method: key.camMethod, layer });
    return rec ? { classIndex, h: rec.h, w: rec.w, f16: rec.data } : null;
  };
  const cams = sorted.map((c) => {
    const cam = at(key.layer, c);
    if (!cam) throw new StudioError('NOT_FOUND', `${name}: the stored ${key.layer} CAM of class ${c} is missing (was it pruned?)`);
    return cam;
  });
  const deep: Record<string, StoredCam[]> = {};
  for (const layer of deepLayers) {
    if (layer === key.layer) continue;
    const got = sorted.flatMap((c) => at(layer, c) ?? []);
    if (got.length) deep[layer] = got;
  }
  return { cams, deep };
}
