// Preprocessing on real files written by sharp: EXIF orientation, whole-image bilinear
// resize, channel order, mean/std, preprocess.json, and errors naming the file.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { IMAGENET, decodeImage, parsePreprocess, preprocessFile, preprocessRgb, readPreprocessFor, resizeUint8 } from '../../../src/engine/preprocess.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'engine-pre-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** 4 wide × 2 high: top row red, bottom row blue */
const pixels = Buffer.from([255, 0, 0, 255, 0, 0, 255, 0, 0, 255, 0, 0, 0, 0, 255, 0, 0, 255, 0, 0, 255, 0, 0, 255]);

describe('preprocessing', () => {
  it('decodes a JPEG with EXIF orientation applied (6 = rotate 90° clockwise)', async () => {
    const file = path.join(dir, 'rot.jpg');
    await sharp(pixels, { raw: { width: 4, height: 2, channels: 3 } }).jpeg({ quality: 100, chromaSubsampling: '4:4:4' }).withMetadata({ orientation: 6 }).toFile(file);
    const img = await decodeImage(file);
    expect([img.width, img.height]).toEqual([2, 4]);
    // rotated clockwise: the top row (red) is now the right column
    expect(img.rgb[(0 * 2 + 1) * 3]).toBeGreaterThan(200);
    expect(img.rgb[(0 * 2 + 0) * 3 + 2]).toBeGreaterThan(200);
  });

  it('resizes the whole image (no crop), normalises with ImageNet mean/std, RGB and BGR', async () => {
    const file = path.join(dir, 'img.png');
    await sharp(pixels, { raw: { width: 4, height: 2, channels: 3 } }).png().toFile(file);
    const cfg = { ...IMAGENET, size: [2, 4] as [number, number] };
    const rgb = await preprocessFile(file, cfg);
    expect(rgb.size).toEqual([2, 4]);
    expect(rgb.data[0]).toBeCloseTo((1 - 0.485) / 0.229, 5);
    expect(rgb.data[2]).toBeCloseTo((0 - 0.406) / 0.225, 5);
    const bgr = await preprocessFile(file, { ...cfg, channels: 'BGR', mean: [0.406, 0.456, 0.485], std: [0.225, 0.224, 0.229] });
    expect(bgr.data[2]).toBeCloseTo((1 - 0.485) / 0.229, 5);
    const gray = preprocessRgb(new Uint8Array(pixels), 4, 2, { ...cfg, channels: 'GRAY', mean: [0], std: [1] });
    expect(gray.data[0]).toBeCloseTo(Math.round(0.299 * 255) / 255, 6);
  });

  it('bilinear resize uses half-pixel centres with border clamp (cv2 INTER_LINEAR)', () => {
    // 1×2 → 1×4: dst x=1 samples src (1.5·2/4 − 0.5) = 0.25 → 0.75·0 + 0.25·100
    const out = resizeUint8(Uint8Array.of(0, 100), 1, 2, 1, 1, 4);
    expect(Array.from(out)).toEqual([0, 25, 75, 100]);
  });

  it('reads preprocess.json beside the model; defaults to ImageNet', async () => {
    const modelDir = path.join(dir, 'm');
    rmSync(modelDir, { recursive: true, force: true });
    await import('node:fs/promises').then((fs) => fs.mkdir(modelDir));
    expect(await readPreprocessFor(path.join(modelDir, 'model.onnx'))).toEqual(IMAGENET);
    writeFileSync(path.join(modelDir, 'preprocess.json'), JSON.stringify({ size: [128, 128], channels: 'RGB', scale: 1 / 255, mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25], resize: 'bilinear', output: 'sigmoid' }));
    const cfg = await readPreprocessFor(path.join(modelDir, 'model.onnx'));
    expect(cfg.size).toEqual([128, 128]);
    expect(cfg.output).toBe('sigmoid');
    expect(() => parsePreprocess({ channels: 'XYZ' }, 'p.json')).toThrow(/p.json: channels must be RGB, BGR or GRAY/);
  });

  it('an undecodable file is a StudioError naming it', async () => {
    const file = path.join(dir, 'broken.jpg');
    writeFileSync(file, Buffer.from('this is not a jpeg'));
    await expect(preprocessFile(file)).rejects.toMatchObject({ name: 'StudioError', message: expect.stringContaining(`${file}: not a decodable image`) });
    await expect(preprocessFile(path.join(dir, 'missing.png'))).rejects.toThrow(/missing.png: image file not found/);
  });
});
