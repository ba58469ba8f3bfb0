// The review queue's evidence for a mask cut at a τ_bg near either end of 0…1 (a per-image
// τ_bg can be 0.05): the τ ± 0.2 probes leave the range and must still be computed.
import { describe, expect, it } from 'vitest';
import { encodeFloat16 } from '../../../src/masks/float16.ts';
import { fixEvidence } from '../../../src/services/fix-evidence.ts';

/** a 16×16 map rising from the left edge to the right */
function ramp(): Float32Array {
  const m = new Float32Array(16 * 16);
  for (let y = 0; y < 16; y++) for (let x = 0; x < 16; x++) m[y * 16 + x] = x / 15;
  return m;
}

describe('fixEvidence at a τ_bg near 0 or 1', () => {
  it('gives finite features in 0…1 for τ 0.05 and 0.95, (the probes below 0 and above 1 are thresholds, not errors)', () => {
    const cams = [{ classIndex: 1, h: 16, w: 16, f16: encodeFloat16(ramp()) }];
    const at = (tau: number) => fixEvidence({ cams, deep: {}, layer: 'layer2', refine: null, tau, mask: null, size: { width: 64, height: 64 }, rgb: null });
    for (const tau of [0.05, 0.95]) {
      const e = at(tau);
      for (const v of [e.unstable, e.drift, e.band]) {
        expect(Number.isFinite(v)).toBe(true);
        expect(v).toBeGreaterThanOrEqual(0);
        expect(v).toBeLessThanOrEqual(1);
      }
    }
  });
});
