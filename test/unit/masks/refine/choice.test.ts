// The one refine entry point: a choice (preset name, settings, null, absent) → the chain a
// detail map at a layer runs — presets by name, and a gate that reads only deeper layers.
import { describe, expect, it } from 'vitest';
import { DEFAULT_REFINE_PRESET, deeperLayers, REFINE_PRESETS, resolveRefine } from '../../../../src/masks/refine/index.ts';

describe('resolveRefine', () => {
  it('absent = the default preset, none/null = raw, a name = that preset', () => {
    expect(resolveRefine(undefined, 'layer2')).toEqual(REFINE_PRESETS[DEFAULT_REFINE_PRESET]);
    expect(resolveRefine('none', 'layer2')).toBeNull();
    expect(resolveRefine(null, 'layer2')).toBeNull();
    expect(resolveRefine('best', 'layer2')).toEqual(REFINE_PRESETS.best);
  });

  it('gates a layer3 job with layer4 only, and a layer4 job not at all', () => {
    expect(resolveRefine('best', 'layer3')!.gate).toEqual({ ...REFINE_PRESETS.best!.gate, deep: ['layer4'] });
    const l4 = resolveRefine('best', 'layer4')!;
    expect(l4.gate).toBeNull();
    expect(l4.par).toEqual(REFINE_PRESETS.best!.par);
  });

  it('keeps module names it cannot order, drops the job layer itself', () => {
    expect(deeperLayers(['layer3', 'layer4', 'features.7'], 'layer2')).toEqual(['layer3', 'layer4', 'features.7']);
    expect(deeperLayers(['layer1', 'layer3', 'features.7'], 'layer3')).toEqual(['features.7']);
    expect(deeperLayers(['features.7'], 'features.7')).toEqual([]);
  });

  it('refuses an unknown preset naming the choices', () => {
    expect(() => resolveRefine('fancy', 'layer2')).toThrow(/unknown refinement preset 'fancy' \(none, fast, best\)/);
  });

  it('refuses bad settings naming the field', () => {
    expect(() => resolveRefine({ workSide: 4, gate: null, par: null }, 'layer2')).toThrow(/workSide must be a whole number 8..4096, got 4/);
    expect(() => resolveRefine({ workSide: 64, gate: { deep: [], a: 0.5 }, par: null }, 'layer2')).toThrow(/gate.deep must name one or more layers/);
    expect(() => resolveRefine({ workSide: 64, gate: null, par: { dilations: [1], iterations: 0, colour: 0.3, position: 0 } }, 'layer2')).toThrow(/par.iterations must be a whole number 1..100, got 0/);
  });
});
