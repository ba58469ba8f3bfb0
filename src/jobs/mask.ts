// The one place a generated mask is made: from the float16 CAMs exactly as the cams table
// stores them. Generation and re-thresholding both call this, so the same CAMs and
// settings give the same PNG bytes.
import { camFromFloat16, camsToLabels, type MaskSettings } from '../masks/cam-mask.ts';
import { encodeLabelPng } from '../masks/png.ts';

export interface Float16Cam {
  classIndex: number;
  h: number;
  w: number;
  f16: Uint8Array;
}

export function maskFromStoredCams(cams: readonly Float16Cam[], width: number, height: number, settings: MaskSettings): Uint8Array {
  const maps = cams.map((c) => camFromFloat16(c.classIndex, c.w, c.h, c.f16));
  return encodeLabelPng(camsToLabels(maps, width, height, settings), width, height);
}
