// The one place a generated mask is made: from the float16 CAMs exactly as the cams table
// stores them. Generation, re-thresholding and the preview all call this, so the same
// CAMs and settings give the same PNG bytes.
import { camFromStored, camsToLabels, type MaskSettings, type StoredCam } from '../masks/cam-mask.ts';
import { encodeLabelPng } from '../project/png.ts';

export function maskFromStoredCams(cams: readonly StoredCam[], width: number, height: number, settings: MaskSettings): Uint8Array {
  return encodeLabelPng(camsToLabels(cams.map(camFromStored), width, height, settings), width, height);
}
