// The one place a generated mask is made: from the float16 CAMs exactly as the cams table
// stores them (the job's layer and, for a refinement chain that gates, its deeper layers)
// and the decoded image. Generation, re-thresholding, re-refining and the preview all call
// this, so the same CAMs, image and settings give the same PNG bytes.
import { camFromStored, type MaskSettings, type StoredCam } from '../masks/cam-mask.ts';
import { classesPresent } from '../masks/labels.ts';
import { refinedLabels, type RefineSettings, type StepRecord } from '../masks/refine/index.ts';
import { encodeLabelPng } from '../project/png.ts';

export interface MaskInput {
  /** the mask's size (the stored image size) */
  width: number;
  height: number;
  /** the job layer's CAMs, one per class */
  cams: readonly StoredCam[];
  /** deeper layers' CAMs by layer name (only what the chain reads) */
  deep?: Readonly<Record<string, readonly StoredCam[]>>;
  /** the decoded image at the mask's size (width·height·3), for a chain with PAR */
  rgb?: Uint8Array | null;
}

export interface MadeMask {
  png: Uint8Array;
  /** the classes the PNG's labels hold (classesPresent), so the mask door judges them without inflating it */
  classes: number[];
  /** what each refinement step did (empty without a chain) */
  steps: StepRecord[];
  /** the τ_bg the labels were cut at (the automatic rule's choice for this image, else the setting) */
  bg: number;
}

export function maskFromStoredCams(input: MaskInput, settings: MaskSettings, refine: RefineSettings | null = null): MadeMask {
  const deep: Record<string, ReturnType<typeof camFromStored>[]> = {};
  for (const [layer, cams] of Object.entries(input.deep ?? {})) deep[layer] = cams.map(camFromStored);
  const r = refinedLabels({ width: input.width, height: input.height, rgb: input.rgb ?? null, cams: input.cams.map(camFromStored), deep }, refine, settings);
  return { png: encodeLabelPng(r.labels, input.width, input.height), classes: classesPresent(r.labels), steps: r.steps, bg: r.bg };
}

/** The decoded image's pixels when they are at the mask's size (else the chain's PAR step is skipped and says so). */
export function rgbAtMaskSize(img: { rgb: Uint8Array; width: number; height: number }, width: number, height: number): Uint8Array | null {
  return img.width === width && img.height === height ? img.rgb : null;
}
