// A job's refinement chain: presets by name, and a gate that reads only deeper layers.
import { describe, expect, it } from 'vitest';
import { jobMaskSettings, jobRefine } from '../../../src/jobs/params.ts';
import { DEFAULT_AUTO_BACKGROUND, DEFAULT_REFINE_PRESET, deeperLayers, REFINE_PRESETS } from '../../../src/masks/refine/index.ts';

describe('jobRefine', () => {
  it('absent = the default preset, none/null = raw, a name = that preset', () => {
    expect(jobRefine(undefined, 'layer2')).toEqual(REFINE_PRESETS[DEFAULT_REFINE_PRESET]);
    expect(jobRefine('none', 'layer2')).toBeNull();
    expect(jobRefine(null, 'layer2')).toBeNull();
    expect(jobRefine('best', 'layer2')).toEqual(REFINE_PRESETS.best);
  });

  it('gates a layer3 job with layer4 only, and a layer4 job not at all', () => {
    expect(jobRefine('best', 'layer3')!.gate).toEqual({ ...REFINE_PRESETS.best!.gate, deep: ['layer4'] });
    const l4 = jobRefine('best', 'layer4')!;
    expect(l4.gate).toBeNull();
    expect(l4.par).toEqual(REFINE_PRESETS.best!.par);
  });

  it('keeps module names it cannot order, drops the job layer itself', () => {
    expect(deeperLayers(['layer3', 'layer4', 'features.7'], 'layer2')).toEqual(['layer3', 'layer4', 'features.7']);
    expect(deeperLayers(['layer1', 'layer3', 'features.7'], 'layer3')).toEqual(['features.7']);
    expect(deeperLayers(['features.7'], 'features.7')).toEqual([]);
  });

  it('refuses bad settings naming the field', () => {
    expect(() => jobRefine({ workSide: 4, gate: null, par: null }, 'layer2')).toThrow(/workSide must be a whole number 8..4096, got 4/);
    expect(() => jobRefine({ workSide: 64, gate: { deep: [], a: 0.5 }, par: null }, 'layer2')).toThrow(/gate.deep must name one or more layers/);
    expect(() => jobRefine({ workSide: 64, gate: null, par: { dilations: [1], iterations: 0, colour: 0.3, position: 0 } }, 'layer2')).toThrow(/par.iterations must be a whole number 1..100, got 0/);
  });
});

describe('jobMaskSettings: τ_bg per image unless one is given', () => {
  it('absent bg = the automatic rule; a given bg wins; an explicit rule stays', () => {
    expect(jobMaskSettings({}).bgAuto).toEqual(DEFAULT_AUTO_BACKGROUND);
    expect(jobMaskSettings({ bg: 0.3 })).toMatchObject({ bg: 0.3, bgAuto: null });
    expect(jobMaskSettings({ bg: 0.3, bgAuto: { rule: 'otsu', factor: 1.2 } })).toMatchObject({ bg: 0.3, bgAuto: { rule: 'otsu', factor: 1.2 } });
    expect(jobMaskSettings({ bgAuto: null }).bgAuto).toBeNull();
    expect(() => jobMaskSettings({ bgAuto: { rule: 'otsu', factor: -1 } })).toThrow(/factor must be a number in \(0, 4\], got -1/);
  });
});
