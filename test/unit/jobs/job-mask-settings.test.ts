// A job's mask settings: τ_bg chosen per image by the studio unless one is given.
import { describe, expect, it } from 'vitest';
import { jobMaskSettings } from '../../../src/jobs/params.ts';
import { DEFAULT_AUTO_BACKGROUND } from '../../../src/masks/refine/index.ts';

describe('jobMaskSettings: τ_bg per image unless one is given', () => {
  it('absent bg = the automatic rule; a given bg wins; an explicit rule stays', () => {
    expect(jobMaskSettings({}).bgAuto).toEqual(DEFAULT_AUTO_BACKGROUND);
    expect(jobMaskSettings({ bg: 0.3 })).toMatchObject({ bg: 0.3, bgAuto: null });
    expect(jobMaskSettings({ bg: 0.3, bgAuto: { rule: 'otsu', factor: 1.2 } })).toMatchObject({ bg: 0.3, bgAuto: { rule: 'otsu', factor: 1.2 } });
    expect(jobMaskSettings({ bgAuto: null }).bgAuto).toBeNull();
    expect(() => jobMaskSettings({ bgAuto: { rule: 'otsu', factor: -1 } })).toThrow(/factor must be a number in \(0, 4\], got -1/);
  });
});
