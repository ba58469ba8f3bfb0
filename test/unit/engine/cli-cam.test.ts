// `relevance-studio cam` end to end on an ONNX file and a PNG written here: JSON summary,
// the two .npy files, and the errors for an image that won't decode / a missing layer.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../../src/cli/main.ts';
import { decodeNpyFloat32 } from '../../../src/masks/npy.ts';
import { displayMap } from '../../../src/engine/cams/display.ts';
import { preprocessFile, IMAGENET } from '../../../src/engine/preprocess.ts';
import { CamModel } from '../../../src/engine/tfjs/cam-model.ts';
import { loadModel } from '../../../src/engine/load.ts';
import { resnet } from '../../helpers/models.ts';
import { graphToOnnx } from '../../helpers/serialize.ts';
import { relErr } from './setup.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'engine-cli-'));
const graph = resnet(18, { width: 4, size: 48, classes: 7, seed: 31 });
const modelFile = path.join(dir, 'net.onnx');
const imageFile = path.join(dir, 'photo.png');

/** the two arrays `cam --out PREFIX` writes */
function written(prefix: string): { cam: ReturnType<typeof decodeNpyFloat32>; map: ReturnType<typeof decodeNpyFloat32> } {
  const read = (f: string) => decodeNpyFloat32(new Uint8Array(readFileSync(f)));
  return { cam: read(`${prefix}_cam.npy`), map: read(`${prefix}_map.npy`) };
}

/** the map the engine gives when called directly on the image, preprocessed as the CLI does */
async function direct(g: typeof graph, size: number, req: Parameters<CamModel['run']>[2]) {
  const img = await preprocessFile(imageFile, { ...IMAGENET, size: [size, size] });
  const m = new CamModel(g);
  try {
    return m.run(img.data, [size, size], req).maps[0];
  } finally {
    m.dispose();
  }
}

beforeAll(async () => {
  process.env.RS_BACKEND = 'cpu';
  writeFileSync(modelFile, graphToOnnx(graph));
  writeFileSync(path.join(dir, 'classes.txt'), 'a\nb\nc\nd\ne\nf\ng\n');
  const px = Buffer.alloc(60 * 80 * 3);
  for (let i = 0; i < px.length; i++) px[i] = (i * 37) % 251;
  await sharp(px, { raw: { width: 80, height: 60, channels: 3 } }).png().toFile(imageFile);
});
afterAll(() => {
  delete process.env.RS_EXECUTOR;
  rmSync(dir, { recursive: true, force: true });
});

async function cli(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...a) => void out.push(a.join(' ')));
  const error = vi.spyOn(console, 'error').mockImplementation((...a) => void err.push(a.join(' ')));
  try {
    const code = await main(argv);
    return { code, out: out.join('\n'), err: err.join('\n') };
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
}

describe('cam command', () => {
  it.each([
    ['tfjs', 'tfjs/cpu'],
    ['onnxruntime', 'onnxruntime/cpu'],
  ])('writes the raw and the display map and prints the JSON summary (RS_EXECUTOR=%s)', async (executor, label) => {
    process.env.RS_EXECUTOR = executor;
    const prefix = path.join(dir, `out-${executor}`);
    const r = await cli(['cam', '--model', modelFile, '--image', imageFile, '--layer', 'layer3', '--size', '48', '--class', '2', '--repeat', '2', '--out', prefix, '--json']);
    expect(r.code).toBe(0);
    const s = JSON.parse(r.out);
    expect(s.backend).toBe(label);
    expect(s.target).toBe(2);
    expect(s.top5).toHaveLength(5);
    expect(s.top5[0].class).toBe(s.predicted);
    expect(s.top5[0].name).toBe('abcdefg'[s.predicted]);
    for (const k of ['load_ms', 'forward_ms', 'map_ms', 'map_median_ms']) expect(s.timings[k]).toBeGreaterThanOrEqual(0);
    const { cam: camNpy, map: mapNpy } = written(prefix);
    expect(camNpy.shape).toEqual([3, 3]);
    expect(mapNpy.shape).toEqual([48, 48]);
    // the same numbers as the engine called directly on the same preprocessing
    const ref = await direct(graph, 48, { method: 'rcam', layer: 'layer3', targets: [2] });
    expect(relErr(camNpy.data, ref.data)).toBeLessThan(1e-5);
    expect(relErr(mapNpy.data, displayMap(ref.data, 3, 3, 48, 48))).toBeLessThan(1e-5);
    expect(Math.min(...mapNpy.data)).toBeGreaterThanOrEqual(0);
  });

  it('--deep-layers writes the maps of the deeper layers the same walk passes', async () => {
    process.env.RS_EXECUTOR = 'tfjs';
    const prefix = path.join(dir, 'deep');
    const r = await cli(['cam', '--model', modelFile, '--image', imageFile, '--layer', 'layer2', '--deep-layers', 'layer3,layer4', '--size', '48', '--class', '2', '--out', prefix, '--json']);
    expect(r.code).toBe(0);
    const s = JSON.parse(r.out);
    expect(s.deep.map((d: { layer: string }) => d.layer)).toEqual(['layer3', 'layer4']);
    expect(s.deep[0].files).toEqual({ cam: `${prefix}_layer3_cam.npy`, map: `${prefix}_layer3_map.npy` });
    const img = await preprocessFile(imageFile, { ...IMAGENET, size: [48, 48] });
    const m = new CamModel(graph);
    for (const [layer, hw] of [['layer2', 6], ['layer3', 3], ['layer4', 2]] as const) {
      const file = layer === 'layer2' ? `${prefix}_cam.npy` : `${prefix}_${layer}_cam.npy`;
      const got = decodeNpyFloat32(new Uint8Array(readFileSync(file)));
      expect(got.shape).toEqual([hw, hw]);
      const ref = m.run(img.data, [48, 48], { method: 'rcam', layer, targets: [2] }).maps[0];
      expect(relErr(got.data, ref.data)).toBeLessThan(1e-5);
    }
    m.dispose();
    const bad = await cli(['cam', '--model', modelFile, '--image', imageFile, '--layer', 'layer3', '--deep-layers', 'layer2', '--size', '48', '--out', prefix]);
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/deepLayers: layer "layer2" .* is not on the walk/);
  });

  it.each(['tfjs', 'onnxruntime'])('--method clrp --layer input writes the pixel map at the input size, 224×224 (RS_EXECUTOR=%s)', async (executor) => {
    process.env.RS_EXECUTOR = executor;
    const net = resnet(18, { width: 4, size: 224, classes: 7, seed: 32 });
    const file = path.join(dir, 'net224.onnx');
    writeFileSync(file, graphToOnnx(net));
    const prefix = path.join(dir, `clrp-${executor}`);
    const r = await cli(['cam', '--model', file, '--image', imageFile, '--method', 'clrp', '--layer', 'input', '--class', '4', '--out', prefix, '--json']);
    expect(r.code).toBe(0);
    const s = JSON.parse(r.out);
    // `input` names the graph's input, whatever the file calls it (this export: input.1)
    expect([s.method, s.layer, s.layer_tensor, s.target]).toEqual(['clrp', 'input', (await loadModel(file)).input.name, 4]);
    expect(s.cam_shape).toEqual([224, 224]);
    const { cam, map } = written(prefix);
    expect(cam.shape).toEqual([224, 224]);
    expect(map.shape).toEqual([224, 224]);
    // the pixel relevance of class 4 as the engine gives it on the same preprocessing
    const ref = await direct(net, 224, { method: 'clrp', layer: 'input', targets: [4] });
    expect(relErr(cam.data, ref.data)).toBeLessThan(1e-4);
    expect(Math.min(...map.data)).toBe(0);
    expect(Math.max(...map.data)).toBe(1);
  });

  it('an image that will not decode fails with a message naming it', async () => {
    const bad = path.join(dir, 'bad.jpg');
    writeFileSync(bad, 'not an image');
    const r = await cli(['cam', '--model', modelFile, '--image', bad, '--size', '48', '--out', path.join(dir, 'x')]);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`${bad}: not a decodable image`);
  });

  it('an unknown layer or method fails clearly', async () => {
    const r = await cli(['cam', '--model', modelFile, '--image', imageFile, '--size', '48', '--layer', 'layer8', '--out', path.join(dir, 'y')]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/layer "layer8" not found/);
    const m = await cli(['cam', '--model', modelFile, '--image', imageFile, '--method', 'lrp']);
    expect(m.code).toBe(1);
    expect(m.err).toMatch(/--method must be one of rcam, gradcam, gradcampp, layercam, scorecam, clrp/);
  });
});
