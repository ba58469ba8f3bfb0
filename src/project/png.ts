// The label-PNG codec of src/masks bound to node:zlib: what the store, the jobs, import and
// export use on Node (the renderer binds the same codec to CompressionStream). Level 6
// keeps the stored and exported bytes what they have always been.
import { deflateSync, inflateSync } from 'node:zlib';
import { decodeLabelPng as decodeWith, encodeLabelPng as encodeWith, type DecodedLabelPng, type DecodeLimits, type Zlib } from '../masks/png.ts';

export type { DecodedLabelPng } from '../masks/png.ts';

export const nodeZlib: Zlib = {
  deflate: (data) => deflateSync(data, { level: 6 }),
  // zlib stops at the cap (ERR_BUFFER_TOO_LARGE) instead of allocating what a bomb claims
  inflate: (data, maxOutput) => inflateSync(data, { maxOutputLength: Math.max(1, maxOutput) }),
};

/** An 8-bit grayscale (or, with a palette, indexed) label PNG; same input → same bytes. */
export function encodeLabelPng(labels: Uint8Array, width: number, height: number, palette?: Uint8Array): Uint8Array {
  return encodeWith(labels, width, height, nodeZlib, palette);
}

/** A grayscale or indexed PNG's values; anything else is a StudioError naming `file`. */
export function decodeLabelPng(bytes: Uint8Array, file?: string, limits?: DecodeLimits): DecodedLabelPng {
  return decodeWith(bytes, nodeZlib, file, limits);
}
