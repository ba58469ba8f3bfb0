// Label maps: row-major uint8, value k = project class k, 0 background, 255 ignore.
// The conventions every mask producer and consumer in the studio shares.
import { StudioError } from '../contract/errors.ts';

export const BACKGROUND = 0;
export const IGNORE = 255;

export interface LabelMap {
  labels: Uint8Array;
  width: number;
  height: number;
}

/** Throws unless `labels` holds exactly width*height values. */
export function assertLabelMap(labels: Uint8Array, width: number, height: number, what = 'label map'): void {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new StudioError('BAD_REQUEST', `${what}: invalid size ${width}x${height}`);
  }
  if (labels.length !== width * height) {
    throw new StudioError('BAD_REQUEST', `${what}: ${labels.length} values for a ${width}x${height} map`);
  }
}

/** The class values present (not 0, not 255), ascending. */
export function classesPresent(labels: Uint8Array): number[] {
  const seen = new Uint8Array(256);
  for (let i = 0; i < labels.length; i++) seen[labels[i]] = 1;
  const out: number[] = [];
  for (let v = 1; v < 255; v++) if (seen[v]) out.push(v);
  return out;
}

/** Pixel count per value 0..255. */
export function histogram(labels: Uint8Array): Uint32Array {
  const h = new Uint32Array(256);
  for (let i = 0; i < labels.length; i++) h[labels[i]]++;
  return h;
}

/** Values that are neither background, ignore nor one of `known` (ascending). */
export function unknownValues(labels: Uint8Array, known: Iterable<number>): number[] {
  const ok = new Uint8Array(256);
  ok[BACKGROUND] = 1;
  ok[IGNORE] = 1;
  for (const k of known) if (k >= 0 && k < 256) ok[k] = 1;
  const h = histogram(labels);
  const out: number[] = [];
  for (let v = 0; v < 256; v++) if (h[v] && !ok[v]) out.push(v);
  return out;
}

/** Rewrites values through a 256-entry table (e.g. a dataset's class order → the project's). */
export function remapLabels(labels: Uint8Array, table: Uint8Array): Uint8Array {
  const out = new Uint8Array(labels.length);
  for (let i = 0; i < labels.length; i++) out[i] = table[labels[i]];
  return out;
}
