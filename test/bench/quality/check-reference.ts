// Evidence that the benchmark's rcam maps are the spec's R-CAM on the demo classifier, not
// an engine bug: for a few held-out scenes and every tag, the executor's map (the one the
// benchmark uses) vs the naive float64 reference written from rcam-spec.md
// (test/unit/engine/naive/reference.ts), at layer2 and layer4, CLRP and one-hot starts.
// Run: npx tsx test/bench/quality/check-reference.ts [scenes]
import { createCamExecutor } from '../../../src/engine/executor.ts';
import { loadModel } from '../../../src/engine/load.ts';
import { resolveLayer } from '../../../src/engine/layer-names.ts';
import { preprocessRgb, readPreprocessFor } from '../../../src/engine/preprocess.ts';
import { createSceneGenerator } from '../../../demo/scenes/generator.ts';
import { heldOutScenes } from '../../../demo/scenes/presets.ts';
import { naiveRcam, nt, pearson } from '../../unit/engine/naive/reference.ts';

async function main(): Promise<void> {
  const n = Number(process.argv[2] ?? 3);
  const file = 'demo/model/classifier.onnx';
  const graph = await loadModel(file);
  const pre = await readPreprocessFor(file);
  const exec = await createCamExecutor(graph);
  const gen = await createSceneGenerator(heldOutScenes('textured'));
  let worst = 1;
  for (let i = 0; i < n; i++) {
    const s = gen.sceneAt(i);
    const x = preprocessRgb(s.rgb, 128, 128, pre).data;
    for (const layer of ['layer2', 'layer4']) {
      for (const init of ['clrp', 'onehot'] as const) {
        const r = await exec.run(x, [128, 128], { method: 'rcam', layer, targets: s.tags, init });
        r.maps.forEach((m, j) => {
          const ref = naiveRcam(graph, nt(128, 128, 3, false, Float64Array.from(x)), resolveLayer(graph, layer), s.tags[j], { init });
          const p = pearson(m.data, ref.map);
          let maxRel = 0;
          let scale = 0;
          for (const v of ref.map) scale = Math.max(scale, Math.abs(v));
          for (let k = 0; k < ref.map.length; k++) maxRel = Math.max(maxRel, Math.abs(m.data[k] - ref.map[k]) / scale);
          worst = Math.min(worst, p);
          console.log(`scene ${i} tag ${s.tags[j]} ${layer} ${init}: pearson ${p.toFixed(6)}, max |Δ|/max|ref| ${maxRel.toExponential(2)}`);
        });
      }
    }
  }
  console.log(`executor ${exec.label}; lowest Pearson r ${worst.toFixed(6)}`);
  await exec.dispose();
}

await main();
