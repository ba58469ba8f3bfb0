// Files a model names are read only from inside the model's folder: TF.js weight shards
// (../ paths, absolute paths, symlinks out, devices, FIFOs, oversized shards) and ONNX
// external data (refused at `model add` when it points outside; read when it is inside).
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { registerModel } from '../../../src/jobs/index.ts';
import { loadModel } from '../../../src/engine/load.ts';
import { decodeModel, encodeModel } from '../../../src/engine/onnx/proto.ts';
import { createProject } from '../../../src/project/index.ts';
import { tempDir } from '../../helpers/images.ts';
import { DEMO } from './fixture.ts';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

function scratch(): string {
  const t = tempDir('model-confine-');
  cleanups.push(t.cleanup);
  return t.dir;
}

/** the demo TF.js model copied to `dir/model/`, its manifest path replaced by `shard` */
function tfjsWithShard(dir: string, shard: string): string {
  const m = path.join(dir, 'model');
  mkdirSync(m, { recursive: true });
  const json = JSON.parse(readFileSync(path.join(DEMO, 'model', 'tfjs', 'model.json'), 'utf8'));
  json.weightsManifest[0].paths = [shard];
  writeFileSync(path.join(m, 'model.json'), JSON.stringify(json));
  return path.join(m, 'model.json');
}

describe('TF.js weight shards stay inside the model folder', () => {
  it('refuses ../ and absolute paths without reading them (no size in the message)', async () => {
    const dir = scratch();
    writeFileSync(path.join(dir, 'secret.txt'), 'x'.repeat(1234));
    const up = tfjsWithShard(dir, '../secret.txt');
    await expect(loadModel(up)).rejects.toThrow(`${up}: weight shard ../secret.txt points outside ${path.dirname(up)}; only files inside that folder are read`);
    const abs = tfjsWithShard(dir, '/dev/zero');
    await expect(loadModel(abs)).rejects.toThrow(/weight shard \/dev\/zero points outside .*only files inside that folder are read$/);
    await expect(loadModel(up)).rejects.not.toThrow(/1234/);
  });

  it('refuses a symlink out of the folder, a FIFO and an oversized shard', async () => {
    const dir = scratch();
    const file = tfjsWithShard(dir, 'weights.bin');
    const m = path.dirname(file);
    symlinkSync('/etc/hostname', path.join(m, 'weights.bin'));
    await expect(loadModel(file)).rejects.toThrow(/weight shard weights\.bin points outside .* \(through a symbolic link, to \/etc\/hostname\)/);

    const fifoModel = tfjsWithShard(path.join(dir, 'f'), 'pipe.bin');
    execFileSync('mkfifo', [path.join(path.dirname(fifoModel), 'pipe.bin')]);
    await expect(loadModel(fifoModel)).rejects.toThrow(/weight shard pipe\.bin is a FIFO, not a regular file/);

    const bigModel = tfjsWithShard(path.join(dir, 'b'), 'weights.bin');
    const real = readFileSync(path.join(DEMO, 'model', 'tfjs', 'weights.bin'));
    writeFileSync(path.join(path.dirname(bigModel), 'weights.bin'), Buffer.concat([real, Buffer.alloc(4096)]));
    await expect(loadModel(bigModel)).rejects.toThrow(new RegExp(`weight shard weights\\.bin is ${real.length + 4096} bytes, more than the ${real.length} expected`));
  });

  it('still loads the demo model with its shard beside it', async () => {
    const dir = scratch();
    const file = tfjsWithShard(dir, 'weights.bin');
    copyFileSync(path.join(DEMO, 'model', 'tfjs', 'weights.bin'), path.join(path.dirname(file), 'weights.bin'));
    const g = await loadModel(file);
    expect(g.nodes.length).toBeGreaterThan(10);
  });
});

describe('ONNX external data', () => {
  /** the demo ONNX model with its largest initializer moved to an external file at `location` */
  function externalModel(dir: string, location: string, write: string): string {
    const model = decodeModel(new Uint8Array(readFileSync(path.join(DEMO, 'model', 'classifier.onnx'))));
    const inits = model.graph!.initializer!;
    const big = inits.reduce((a, b) => ((b.rawData?.length ?? 0) > (a.rawData?.length ?? 0) ? b : a));
    writeFileSync(write, big.rawData!);
    big.externalData = [
      { key: 'location', value: location },
      { key: 'offset', value: '0' },
      { key: 'length', value: String(big.rawData!.length) },
    ];
    big.dataLocation = 1;
    big.rawData = new Uint8Array(0);
    const m = path.join(dir, 'model');
    mkdirSync(m, { recursive: true });
    for (const f of ['classes.txt', 'preprocess.json']) copyFileSync(path.join(DEMO, 'model', f), path.join(m, f));
    const file = path.join(m, 'classifier.onnx');
    writeFileSync(file, encodeModel(model));
    return file;
  }

  it('model add refuses external data outside the model folder, naming the tensor and the location', async () => {
    const dir = scratch();
    const file = externalModel(dir, '../weights.data', path.join(dir, 'weights.data'));
    const project = createProject(path.join(dir, 'proj'));
    cleanups.unshift(() => project.close());
    await expect(registerModel(project, file)).rejects.toThrow(new RegExp(`${file}: tensor .+: external data \\.\\./weights\\.data points outside ${path.dirname(file)}`));
    expect(project.models.list()).toEqual([]);
  });

  it('reads external data inside the folder: the same graph as the embedded model', async () => {
    const dir = scratch();
    const file = externalModel(dir, 'weights.data', path.join(dir, 'model-weights.data'));
    copyFileSync(path.join(dir, 'model-weights.data'), path.join(path.dirname(file), 'weights.data'));
    const ext = await loadModel(file);
    const embedded = await loadModel(path.join(DEMO, 'model', 'classifier.onnx'));
    expect(Object.keys(ext.params)).toEqual(Object.keys(embedded.params));
    const bytes = (d: Float32Array) => Buffer.from(d.buffer, d.byteOffset, d.byteLength);
    for (const k of Object.keys(embedded.params)) {
      expect(ext.params[k].shape).toEqual(embedded.params[k].shape);
      expect(bytes(ext.params[k].data).equals(bytes(embedded.params[k].data))).toBe(true);
    }
  });
});
