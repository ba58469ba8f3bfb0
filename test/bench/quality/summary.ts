// The benchmark's results as plain JSON (docs/quality/summary.json), so the report and the
// plot can be rebuilt without recomputing the maps.
import { FASHION_CLASSES } from '../../../demo/scenes/classes.ts';
import { GROUPS, LOC_KEYS, type Group, type LocKey, type QualityResults, type Variant } from './evaluate.ts';

export interface SweepSummary {
  curve: number[];
  best: { tau: number; miou: number };
  /** per class (background first) at the best τ; null where undefined */
  iouAtBest: (number | null)[];
}

export interface QualitySummary {
  meta: {
    tier: string;
    scenes: number;
    scorecamScenes: number;
    model: string;
    executor: string;
    seconds: number;
    taus: number[];
    boxSides: number[];
    variants: Variant[];
    layers: string[];
    sceneCounts: Record<Group, number>;
    classes: string[];
    classifier: { mAP: number; ap: number[]; tagRecall: number; exactMatch: number };
    msPerScene: Record<string, number>;
  };
  /** key `${variant}|${layer}|${norm}|${group}` */
  sweeps: Record<string, SweepSummary>;
  /** key `${variant}|${layer}|${group}` */
  localisation: Record<string, Record<LocKey, number> & { n: number }>;
  /** key `${side}|${group}` */
  boxes: Record<string, { miou: number; iou: (number | null)[] }>;
}

const nul = (v: number) => (Number.isNaN(v) ? null : v);

export function summarise(r: QualityResults): QualitySummary {
  const sweeps: Record<string, SweepSummary> = {};
  for (const [k, s] of r.sweeps) {
    const best = s.best();
    sweeps[k] = { curve: s.curve(), best: { tau: best.tau, miou: best.miou }, iouAtBest: s.confusion(best.index).iou().map(nul) };
  }
  const localisation: QualitySummary['localisation'] = {};
  for (const [k, l] of r.localisation) {
    localisation[k] = { ...(Object.fromEntries(LOC_KEYS.map((key) => [key, l[key].mean])) as Record<LocKey, number>), n: l.ofMax25.count };
  }
  const boxes: QualitySummary['boxes'] = {};
  for (const [k, cm] of r.boxes) boxes[k] = { miou: cm.miou(), iou: cm.iou().map(nul) };
  return {
    meta: {
      tier: r.options.tier,
      scenes: r.options.scenes,
      scorecamScenes: r.options.scorecamScenes,
      model: r.options.modelFile,
      executor: r.executor,
      seconds: r.seconds,
      taus: r.options.taus,
      boxSides: r.options.boxSides,
      variants: [...r.options.variants],
      layers: [...r.options.layers],
      sceneCounts: r.sceneCounts,
      classes: ['background', ...FASHION_CLASSES],
      classifier: r.classifier,
      msPerScene: Object.fromEntries([...r.msPerScene].map(([v, a]) => [v, a.mean])),
    },
    sweeps,
    localisation,
    boxes,
  };
}

export { GROUPS };
