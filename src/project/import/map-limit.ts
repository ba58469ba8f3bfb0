// Like Promise.all over `items`, with at most `limit` in flight; results in input order.
// The import and its dry run read many files this way: enough parallel reads to keep the
// disk and sharp's threads busy, never thousands of open files at once.
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
