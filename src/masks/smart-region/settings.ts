// The smart region's settings. The method and its values were chosen by the fix-cost
// bench's robot annotator on its tuning split (docs/quality/fixcost.md: each method at its
// best values there; the held-out split the report shows was not used to choose them).
import type { SmartMethod, SmartRegionSettings } from './smart-region.ts';

export const DEFAULT_SMART_REGION: Readonly<SmartRegionSettings> = Object.freeze({
  method: 'superpixels' as SmartMethod,
  workSide: 256,
  evidence: { seedRadius: 1.5, sampleRadius: 12, colour: 1, cam: 0.5, camCentre: 0.4, outside: 0.2, distance: 0 },
  walker: { prior: 0.3, tolerance: 1e-3, maxIterations: 400 },
  graphcut: { prior: 1, smooth: 2 },
  propagation: { par: { dilations: [1, 2, 4], iterations: 30, colour: 0.3, position: 0.01 }, prior: 0.1 },
  superpixels: { step: 4, compactness: 20, iterations: 5, threshold: 0.4 },
});

/** The defaults with `method` (and any other fields) replaced; a fresh copy. */
export function smartRegionSettings(over: Partial<SmartRegionSettings> = {}): SmartRegionSettings {
  return { ...structuredClone(DEFAULT_SMART_REGION as SmartRegionSettings), ...structuredClone(over) };
}
