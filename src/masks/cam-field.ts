// One class's stored CAM for the editor: normalised at CAM resolution (the heatmap layer,
// the smart region's CAM term) and, on demand, upsampled to the image by the same
// functions camsToLabels uses (the compare view), so a threshold on it selects exactly the
// pixels a generated mask's argmax would score above it.
import { camFromStored, normaliseCam, type CamNormalisation, type StoredCam } from './cam-mask.ts';
import { resizeBilinear } from './resize.ts';

export class CamField {
  /** the normalised map at CAM resolution (camWidth × camHeight) */
  readonly values: Float32Array;
  readonly camWidth: number;
  readonly camHeight: number;
  readonly classIndex: number;
  private image: Float32Array | null = null;

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
  }

  /** The whole map at image resolution (upsampleCams' map for this class), computed once. */
  upsampled(): Float32Array {
    return (this.image ??= resizeBilinear(this.values, this.camWidth, this.camHeight, this.width, this.height));
  }
}
