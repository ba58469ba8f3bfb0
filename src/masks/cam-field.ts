// One class's stored CAM, readable at any pixel of its image: normalised and upsampled by
// the same functions camsToLabels uses, so a threshold on `at(x, y)` selects exactly the
// pixels a generated mask's argmax would score above it. Rows are upsampled when first
// read, so a brush stroke pays only for the rows it touches.
import { camFromStored, normaliseCam, type CamNormalisation, type StoredCam } from './cam-mask.ts';
import { bilinearTaps, resizeBilinearRow, type Taps } from './resize.ts';

export class CamField {
  /** the normalised map at CAM resolution (camWidth × camHeight) */
  readonly values: Float32Array;
  readonly camWidth: number;
  readonly camHeight: number;
  readonly classIndex: number;
  private readonly taps: { x: Taps; y: Taps };
  private image: Float32Array | null = null;
  private rowReady: Uint8Array | null = null;
  private readonly scratch: Float64Array;

  constructor(
    cam: StoredCam,
    readonly width: number,
    readonly height: number,
    normalisation: CamNormalisation = 'relu-max',
  ) {
    const c = camFromStored(cam);
    this.classIndex = c.classIndex;
    this.camWidth = c.width;
    this.camHeight = c.height;
    this.values = normaliseCam(c.data, normalisation);
    this.taps = { x: bilinearTaps(c.width, width), y: bilinearTaps(c.height, height) };
    this.scratch = new Float64Array(c.width);
  }

  /** The normalised value at image pixel (x, y), in [0, 1]. */
  at(x: number, y: number): number {
    if (!this.rowReady || !this.rowReady[y]) this.fillRow(y);
    return this.image![y * this.width + x];
  }

  /** The whole map at image resolution (upsampleCams' map for this class). */
  upsampled(): Float32Array {
    for (let y = 0; y < this.height; y++) if (!this.rowReady || !this.rowReady[y]) this.fillRow(y);
    return this.image!;
  }

  private fillRow(y: number): void {
    if (!this.image) {
      this.image = new Float32Array(this.width * this.height);
      this.rowReady = new Uint8Array(this.height);
    }
    resizeBilinearRow(this.values, this.camWidth, this.width, this.taps, y, this.scratch, this.image);
    this.rowReady![y] = 1;
  }
}
