// maskOverlays' answer (src/contract/api.ts): per id asked for, a 4-byte big-endian length
// and that many PNG bytes (0: no mask). No DOM here, so the service's tests read it too.

/** maskOverlays' answer → one PNG (empty: no mask) per id asked for, in order. */
export function splitOverlays(bytes: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let at = 0; at + 4 <= bytes.length; ) {
    const n = view.getUint32(at);
    out.push(bytes.subarray(at + 4, at + 4 + n));
    at += 4 + n;
  }
  return out;
}
