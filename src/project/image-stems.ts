// File-name stems of the project's images: what an export names each image's files by,
// and what a mask import (import/masks/voc.ts) matches files back by. The stem is the source file's stem, so rows map
// back to images; when two exported images share it (compared case-insensitively: the
// export may land on a case-insensitive file system), both use their path inside the
// dataset without extension, '/' → '__' (e.g. cats/a.jpg → cats__a); if even that
// collides (a.jpg and a.png, or equal names from two datasets), '__<image id>' is
// appended. Every stem is sanitised to one safe path component, so no image name can
// make an export write outside its folder.
const UNSAFE = /[\u0000-\u001f\u007f/\\:*?"<>|]/g;
const MAX_STEM = 180;

function withoutExt(name: string): string {
  const slash = name.lastIndexOf('/');
  const dot = name.lastIndexOf('.');
  return dot > slash + 1 ? name.slice(0, dot) : name;
}

/** One safe path component: no separators, control or reserved characters, no leading dot, no trailing dot/space. */
export function sanitizeStem(s: string): string {
  let out = s.replace(UNSAFE, '_').trim();
  if (out.startsWith('.')) out = `_${out}`;
  out = out.replace(/[. ]+$/, (m) => '_'.repeat(m.length));
  if (out.length > MAX_STEM) out = out.slice(0, MAX_STEM);
  return out || '_';
}

/** Unique, safe stems for images given by id and dataset name (same input → same stems). */
export function exportStems(images: readonly { id: number; name: string }[]): Map<number, string> {
  const key = (s: string) => s.toLowerCase();
  const base = images.map((i) => {
    const parts = i.name.split('/');
    return sanitizeStem(withoutExt(parts[parts.length - 1]));
  });
  const counts = new Map<string, number>();
  for (const b of base) counts.set(key(b), (counts.get(key(b)) ?? 0) + 1);
  const chosen = images.map((img, k) =>
    counts.get(key(base[k]))! > 1 ? sanitizeStem(withoutExt(img.name).split('/').filter((p) => p !== '').join('__')) : base[k],
  );
  const again = new Map<string, number>();
  for (const c of chosen) again.set(key(c), (again.get(key(c)) ?? 0) + 1);
  const used = new Set<string>();
  const out = new Map<number, string>();
  images.forEach((img, k) => {
    let s = chosen[k];
    if (again.get(key(s))! > 1 || used.has(key(s))) s = `${s.slice(0, MAX_STEM - 12)}__${img.id}`;
    used.add(key(s));
    out.set(img.id, s);
  });
  return out;
}
