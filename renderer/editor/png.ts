// The label-map PNG the store keeps (8-bit grayscale, value = label), encoded and decoded
// in the renderer with the platform's CompressionStream (browsers and Node 20 both have
// it), so a mask crosses the API as compact bytes and never through a colour-managing
// image decoder that could remap labels.
const SIG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

const CRC = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(parts: Uint8Array[]): number {
  let c = 0xffffffff;
  for (const p of parts) for (let i = 0; i < p.length; i++) c = CRC[(c ^ p[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

async function pipe(bytes: Uint8Array, stream: CompressionStream | DecompressionStream): Promise<Uint8Array> {
  const body = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(stream);
  return new Uint8Array(await new Response(body).arrayBuffer());
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, data.length);
  const t = new Uint8Array([...type].map((c) => c.charCodeAt(0)));
  out.set(t, 4);
  out.set(data, 8);
  dv.setUint32(8 + data.length, crc32([t, data]));
  return out;
}

/** A width×height label map as an 8-bit grayscale PNG (filter 0 on every row). */
export async function encodeLabelPng(labels: Uint8Array, width: number, height: number): Promise<Uint8Array> {
  if (labels.length !== width * height) throw new Error(`label PNG: ${labels.length} labels for ${width}x${height}`);
  const ihdr = new Uint8Array(13);
  const dv = new DataView(ihdr.buffer);
  dv.setUint32(0, width);
  dv.setUint32(4, height);
  ihdr[8] = 8;
  ihdr[9] = 0;
  const raw = new Uint8Array((width + 1) * height);
  for (let y = 0; y < height; y++) raw.set(labels.subarray(y * width, (y + 1) * width), y * (width + 1) + 1);
  const idat = await pipe(raw, new CompressionStream('deflate'));
  const parts = [new Uint8Array(SIG), chunk('IHDR', ihdr), chunk('IDAT', idat), chunk('IEND', new Uint8Array(0))];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Decodes an 8-bit grayscale or indexed PNG to its raw sample values (the labels). */
export async function decodeLabelPng(bytes: Uint8Array): Promise<{ width: number; height: number; labels: Uint8Array }> {
  for (let i = 0; i < 8; i++) if (bytes[i] !== SIG[i]) throw new Error('mask: not a PNG');
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let o = 8;
  let width = 0;
  let height = 0;
  const idat: Uint8Array[] = [];
  while (o + 8 <= bytes.length) {
    const len = dv.getUint32(o);
    const type = String.fromCharCode(bytes[o + 4], bytes[o + 5], bytes[o + 6], bytes[o + 7]);
    const data = bytes.subarray(o + 8, o + 8 + len);
    if (type === 'IHDR') {
      width = dv.getUint32(o + 8);
      height = dv.getUint32(o + 12);
      const depth = data[8];
      const color = data[9];
      if (depth !== 8 || (color !== 0 && color !== 3) || data[12] !== 0) throw new Error(`mask: unsupported PNG (bit depth ${depth}, colour type ${color}, interlace ${data[12]})`);
    } else if (type === 'IDAT') idat.push(data);
    else if (type === 'IEND') break;
    o += 12 + len;
  }
  const joined = new Uint8Array(idat.reduce((n, p) => n + p.length, 0));
  let k = 0;
  for (const p of idat) {
    joined.set(p, k);
    k += p.length;
  }
  const raw = await pipe(joined, new DecompressionStream('deflate'));
  if (raw.length < (width + 1) * height) throw new Error(`mask: PNG data too short for ${width}x${height}`);
  const labels = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    const f = raw[y * (width + 1)];
    const src = raw.subarray(y * (width + 1) + 1, (y + 1) * (width + 1));
    const row = labels.subarray(y * width, (y + 1) * width);
    const up = y > 0 ? labels.subarray((y - 1) * width, y * width) : null;
    for (let x = 0; x < width; x++) {
      const a = x > 0 ? row[x - 1] : 0;
      const b = up ? up[x] : 0;
      const c = up && x > 0 ? up[x - 1] : 0;
      let pred = 0;
      if (f === 1) pred = a;
      else if (f === 2) pred = b;
      else if (f === 3) pred = (a + b) >> 1;
      else if (f === 4) {
        const p = a + b - c;
        const pa = Math.abs(p - a);
        const pb = Math.abs(p - b);
        const pc = Math.abs(p - c);
        pred = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      } else if (f !== 0) throw new Error(`mask: PNG row ${y} has unknown filter ${f}`);
      row[x] = (src[x] + pred) & 0xff;
    }
  }
  return { width, height, labels };
}
