// The smart region's settings. The method and its values were chosen by the fix-cost
// bench's robot annotator on its tuning split (docs/quality/fixcost.md); the held-out split
// it reports was not used to choose them.
import type { SmartMethod, SmartRegionSettings } from './smart-region.ts';

export const DEFAULT_SMART_REGION: Readonly<SmartRegionSettings> = Object.freeze({
  method: 'walker' as SmartMethod,
  workSide: 256,
  evidence: { seedRadius: 1.5, sampleRadius: 12, colour: 1, cam: 2, camCentre: 0.4, outside: 1 },
  walker: { prior: 0.02, tolerance: 1e-3, maxIterations: 400 },
  graphcut: { prior: 1, smooth: 2 },
  propagation: { par: { dilations: [1, 2, 4], iterations: 30, colour: 0.3, position: 0.01 }, prior: 0.05 },
  superpixels: { step: 4, compactness: 20, iterations: 5, threshold: 0.5 },
});

/** The defaults with `method` (and any other fields) replaced; a fresh copy. */
export function smartRegionSettings(over: Partial<SmartRegionSettings> = {}): SmartRegionSettings {
  return { ...structuredClone(DEFAULT_SMART_REGION as SmartRegionSettings), ...structuredClone(over) };
}
