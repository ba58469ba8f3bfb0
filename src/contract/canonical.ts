// The canonical form of plain JSON data: object keys sorted recursively, undefined fields
// dropped. A job's frozen parameters are stored this way, so "the same parameters" is a
// string comparison, and a refinement chain is named by a preset whatever its key order.
// No runtime dependencies: the renderer, the jobs and the mask kernel share it.

/** JSON-safe value with object keys sorted recursively (canonical form). */
export function canonical<T>(v: T): T {
  if (Array.isArray(v)) return v.map((x) => canonical(x)) as T;
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v as Record<string, unknown>).sort()) {
      const x = (v as Record<string, unknown>)[k];
      if (x !== undefined) out[k] = canonical(x);
    }
    return out as T;
  }
  return v;
}

/** The canonical form as a JSON string: equal data, equal strings. */
export function canonicalJson(v: unknown): string {
  return JSON.stringify(canonical(v));
}
