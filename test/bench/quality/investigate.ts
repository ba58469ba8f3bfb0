// Why does rcam@layer2 lose? Two measurements on held-out scenes, for every method at
// layer2 and layer4 (maps as the benchmark makes them: float16-stored, relu-max, upsampled):
// 1. Where the map's mass sits: the mean normalised map value of a tagged class over its
//    item's interior (pixels ≥ R px inside the item), the boundary band (within R px of the
//    item's edge, inside or out) and the far background (≥ R px from every item). A map that
//    traces outlines has band > interior.
// 2. The masks with the batch pipeline's hole filling (camsToLabels fillHoles: background
//    enclosed by one class becomes that class), best τ of the sweep vs without it.
// Run: npx tsx test/bench/quality/investigate.ts [scenes=300] [tier=textured] > docs/quality/investigation.md
import { camFromFloat16, camsToLabels, upsampleCams } from '../../../src/masks/cam-mask.ts';
import { encodeFloat16 } from '../../../src/masks/float16.ts';
import { createCamExecutor } from '../../../src/engine/executor.ts';
import { loadModel } from '../../../src/engine/load.ts';
import { preprocessRgb, readPreprocessFor } from '../../../src/engine/preprocess.ts';
import { createSceneGenerator } from '../../../demo/scenes/generator.ts';
import { heldOutScenes } from '../../../demo/scenes/presets.ts';
import { ConfusionMatrix } from '../../../src/masks/confusion.ts';
import { MeanAccumulator } from '../metrics/localisation.ts';
import { tauRange } from '../metrics/threshold-sweep.ts';
import type { CamRequest } from '../../../src/engine/cams/methods.ts';

const R = 4;

/** max filter with a (2r+1)² square window (separable), on a 0/1 map */
function dilate(m: Uint8Array, S: number, r: number): Uint8Array {
  return dilateAlong(dilateAlong(m, S, r, true), S, r, false);
}

/** one pass of the separable max filter: along the rows (`horizontal`) or the columns */
function dilateAlong(m: Uint8Array, S: number, r: number, horizontal: boolean): Uint8Array {
  const out = new Uint8Array(S * S);
  for (let y = 0; y < S; y++) {
    for (let x = 0; x < S; x++) {
      let v = 0;
      for (let d = -r; d <= r && !v; d++) {
        const xx = horizontal ? x + d : x;
        const yy = horizontal ? y : y + d;
        if (xx >= 0 && xx < S && yy >= 0 && yy < S) v = m[yy * S + xx];
      }
      out[y * S + x] = v;
    }
  }
  return out;
}

const VARIANTS: { name: string; req: (layer: string, targets: number[]) => CamRequest }[] = [
  { name: 'rcam (clrp)', req: (layer, targets) => ({ method: 'rcam', layer, targets, init: 'clrp' }) },
  { name: 'gradcam', req: (layer, targets) => ({ method: 'gradcam', layer, targets }) },
  { name: 'gradcampp', req: (layer, targets) => ({ method: 'gradcampp', layer, targets }) },
  { name: 'layercam', req: (layer, targets) => ({ method: 'layercam', layer, targets }) },
];

async function main(): Promise<void> {
  const n = Number(process.argv[2] ?? 300);
  const tier = (process.argv[3] ?? 'textured') as 'flat' | 'textured';
  const file = 'demo/model/classifier.onnx';
  const pre = await readPreprocessFor(file);
  const exec = await createCamExecutor(await loadModel(file));
  const gen = await createSceneGenerator(heldOutScenes(tier));
  const S = 128;
  const taus = tauRange(0.05, 0.95, 0.05);
  const layers = ['layer2', 'layer4'];
  type Acc = { interior: MeanAccumulator; band: MeanAccumulator; far: MeanAccumulator; plain: ConfusionMatrix[]; filled: ConfusionMatrix[] };
  const acc = new Map<string, Acc>();
  for (const v of VARIANTS) {
    for (const l of layers) {
      acc.set(`${v.name}|${l}`, {
        interior: new MeanAccumulator(), band: new MeanAccumulator(), far: new MeanAccumulator(),
        plain: taus.map(() => new ConfusionMatrix(11)), filled: taus.map(() => new ConfusionMatrix(11)),
      });
    }
  }
  for (let i = 0; i < n; i++) {
    const s = gen.sceneAt(i);
    const x = preprocessRgb(s.rgb, S, S, pre).data;
    const anyItem = Uint8Array.from(s.labelMap, (v) => (v > 0 ? 1 : 0));
    const nearAny = dilate(anyItem, S, R);
    const regions = s.tags.map((t) => {
      const inside = Uint8Array.from(s.labelMap, (v) => (v === t + 1 ? 1 : 0));
      const outside = Uint8Array.from(inside, (v) => 1 - v);
      const nearOut = dilate(outside, S, R); // within R of the outside → not interior
      const grown = dilate(inside, S, R);
      return { inside, nearOut, grown };
    });
    for (const v of VARIANTS) {
      for (const l of layers) {
        const a = acc.get(`${v.name}|${l}`)!;
        const r = await exec.run(x, [S, S], v.req(l, s.tags));
        const cams = r.maps.map((m, j) => camFromFloat16(s.tags[j] + 1, m.w, m.h, encodeFloat16(m.data)));
        const up = upsampleCams(cams, S, S, 'relu-max');
        up.forEach((u) => {
          const g = regions[s.tags.indexOf(u.classIndex - 1)];
          let si = 0, ni = 0, sb = 0, nb = 0, sf = 0, nf = 0;
          for (let p = 0; p < S * S; p++) {
            if (g.inside[p] && !g.nearOut[p]) { si += u.map[p]; ni++; }
            else if (g.grown[p] && !(g.inside[p] && !g.nearOut[p])) { sb += u.map[p]; nb++; }
            else if (!nearAny[p]) { sf += u.map[p]; nf++; }
          }
          if (ni) a.interior.add(si / ni);
          if (nb) a.band.add(sb / nb);
          if (nf) a.far.add(sf / nf);
        });
        taus.forEach((tau, t) => {
          a.plain[t].add(s.labelMap, camsToLabels(cams, S, S, { bg: tau }));
          a.filled[t].add(s.labelMap, camsToLabels(cams, S, S, { bg: tau, fillHoles: true }));
        });
      }
    }
    if ((i + 1) % 50 === 0) process.stderr.write(`investigate: ${i + 1}/${n}\n`);
  }
  await exec.dispose();

  const bestOf = (cms: ConfusionMatrix[]) => {
    let b = 0;
    const m = cms.map((c) => c.miou());
    m.forEach((v, t) => {
      if (v > m[b]) b = t;
    });
    return `${m[b].toFixed(3)} (${taus[b].toFixed(2)})`;
  };
  const out: string[] = [];
  out.push(`# Investigation: where the maps sit, and hole filling (${n} held-out ${tier} scenes, ${exec.label})`, '');
  out.push(`Command: \`npx tsx test/bench/quality/investigate.ts ${n} ${tier}\``, '');
  out.push(`Mean relu-max normalised map value of each tagged class (float16-stored, upsampled as camsToLabels does) over its item's interior (≥ ${R} px inside), the boundary band (< ${R} px from the item's edge, either side) and the far background (≥ ${R} px from every item). band/interior > 1: the map traces the outline.`, '');
  out.push('| method @ layer | interior | boundary band | far background | band / interior | interior / far bg | best mIoU, plain (τ) | best mIoU, fillHoles (τ) |');
  out.push('| --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const l of layers) {
    for (const v of VARIANTS) {
      const a = acc.get(`${v.name}|${l}`)!;
      out.push(`| ${v.name} @ ${l} | ${a.interior.mean.toFixed(3)} | ${a.band.mean.toFixed(3)} | ${a.far.mean.toFixed(3)} | ${(a.band.mean / a.interior.mean).toFixed(2)} | ${(a.interior.mean / a.far.mean).toFixed(2)} | ${bestOf(a.plain)} | ${bestOf(a.filled)} |`);
    }
  }
  console.log(out.join('\n'));
}

await main();
