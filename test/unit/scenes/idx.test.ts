import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { readFashionImages, readFashionLabels } from '../../../demo/scenes/idx.ts';
import { requireFashionMnist } from '../../helpers/system-data.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'idx-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('Fashion-MNIST IDX reader', () => {
  it('reads the t10k split', () => {
    requireFashionMnist();
    const images = readFashionImages('test');
    expect([images.count, images.rows, images.cols]).toEqual([10000, 28, 28]);
    expect(images.pixels.length).toBe(10000 * 784);
    const labels = readFashionLabels('test');
    // t10k is balanced: 1000 items per class
    const counts = new Array<number>(10).fill(0);
    for (const l of labels) counts[l]++;
    expect(counts).toEqual(new Array<number>(10).fill(1000));
  });

  it('reads a hand-written file and rejects bad ones with the file name', () => {
    const header = Uint8Array.of(0, 0, 8, 1, 0, 0, 0, 3);
    writeFileSync(path.join(dir, 't10k-labels-idx1-ubyte.gz'), gzipSync(Buffer.concat([header, Buffer.from([7, 0, 9])])));
    expect(Array.from(readFashionLabels('test', dir))).toEqual([7, 0, 9]);
    writeFileSync(path.join(dir, 'train-labels-idx1-ubyte.gz'), gzipSync(Buffer.concat([header, Buffer.from([7, 0])])));
    expect(() => readFashionLabels('train', dir)).toThrow(/train-labels-idx1-ubyte\.gz: IDX size mismatch/);
    writeFileSync(path.join(dir, 'train-images-idx3-ubyte.gz'), gzipSync(Buffer.from('not an idx file')));
    expect(() => readFashionImages('train', dir)).toThrow(/train-images-idx3-ubyte\.gz: not an unsigned-byte IDX file/);
    expect(() => readFashionImages('test', path.join(dir, 'missing'))).toThrow(/t10k-images-idx3-ubyte\.gz: cannot read/);
  });
});
