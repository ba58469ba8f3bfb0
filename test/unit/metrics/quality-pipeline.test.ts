// A quick run of the quality benchmark's pipeline (test/bench/quality) on a handful of
// held-out scenes with the committed demo classifier: structural sanity, and the
// all-foreground baseline against IoUs counted directly from the scenes' label maps.
import { describe, expect, it } from 'vitest';
import { createSceneGenerator } from '../../../demo/scenes/generator.ts';
import { heldOutScenes } from '../../../demo/scenes/presets.ts';
import { evaluateQuality, centreBox, sweepKey, type QualityResults } from '../../bench/quality/evaluate.ts';
import { summarise } from '../../bench/quality/summary.ts';
import { renderReport, verdict } from '../../bench/quality/report.ts';
import { requireFashionMnist } from '../../helpers/system-data.ts';

requireFashionMnist();

const SCENES = 5;

describe('quality benchmark pipeline (5 held-out scenes)', () => {
  let r: QualityResults;

  it('runs every method and fills every sweep with values in [0, 1]', async () => {
    r = await evaluateQuality({ tier: 'textured', scenes: SCENES, scorecamScenes: 2, modelFile: 'demo/model/classifier.onnx', layers: ['layer2', 'layer4'] });
    expect(r.sceneCounts.all).toBe(SCENES);
    expect(r.sceneCounts.single + r.sceneCounts.multi).toBe(SCENES);
    expect(r.sceneCounts.detected + r.sceneCounts.missed).toBe(SCENES);
    expect(r.sceneCounts.sub).toBe(2);
    for (const v of r.options.variants) {
      for (const layer of ['layer2', 'layer4']) {
        const s = r.sweeps.get(sweepKey(v, layer, 'relu-max', v === 'scorecam' ? 'sub' : 'all'))!;
        expect(s.total()).toBe((v === 'scorecam' ? 2 : SCENES) * 128 * 128);
        for (const m of s.curve()) {
          expect(m).toBeGreaterThanOrEqual(0);
          expect(m).toBeLessThanOrEqual(1);
        }
        expect(r.options.taus).toContain(s.best().tau);
      }
    }
    for (const l of r.localisation.values()) {
      for (const acc of Object.values(l)) {
        expect(acc.count).toBeGreaterThan(0);
        expect(acc.mean).toBeGreaterThanOrEqual(0);
        expect(acc.mean).toBeLessThanOrEqual(1);
      }
    }
    expect(r.classifier.mAP).toBeGreaterThan(0);
    expect(r.classifier.mAP).toBeLessThanOrEqual(1);
    const md = renderReport(summarise(r), 'test');
    expect(md).toContain('Is rcam@layer2 the best method at layer2?');
    expect(typeof verdict(summarise(r)).winsAtL2).toBe('boolean');
  }, 60_000);

  it('all-foreground baseline equals the IoUs counted from the label maps', async () => {
    const gen = await createSceneGenerator(heldOutScenes('textured'));
    const tp = new Array(11).fill(0);
    const fp = new Array(11).fill(0);
    const fn = new Array(11).fill(0);
    for (let i = 0; i < SCENES; i++) {
      const s = gen.sceneAt(i);
      const label = Math.min(...s.tags) + 1; // every pixel predicted as the lowest tag
      for (const g of s.labelMap) {
        if (g === label) tp[label]++;
        else {
          fp[label]++;
          fn[g]++;
        }
      }
    }
    const expected: number[] = [];
    for (let c = 0; c < 11; c++) if (tp[c] + fp[c] + fn[c] > 0) expected.push(tp[c] / (tp[c] + fp[c] + fn[c]));
    const miou = expected.reduce((a, b) => a + b, 0) / expected.length;
    expect(r.boxes.get('1|all')!.iou()[0]).toBe(0); // background is never predicted
    expect(r.boxes.get('1|all')!.miou()).toBeCloseTo(miou, 12);
  });

  it('centre box: a centred square of the lowest tag', () => {
    const b = centreBox(4, 0.5, [3, 1]);
    expect([...b]).toEqual([0, 0, 0, 0, 0, 2, 2, 0, 0, 2, 2, 0, 0, 0, 0, 0]);
    expect([...centreBox(2, 1, [])]).toEqual([0, 0, 0, 0]);
  });
});
