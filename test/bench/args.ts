// A bench's `--name value` flags, read from its arguments: a missing value or a count that is
// not a whole number is one line naming the bench and the flag.
export class BenchArgError extends Error {}

export interface BenchFlags {
  /** the value after `name`, or undefined when the flag is not given */
  flag(args: string[], name: string): string | undefined;
  /** a whole number ≥ `min`; `dflt` when the flag is not given */
  count(args: string[], name: string, dflt: number, min?: number): number;
  /** a comma-separated list, trimmed, empty items dropped */
  list(args: string[], name: string): string[] | undefined;
}

export function benchFlags(bench: string): BenchFlags {
  function flag(args: string[], name: string): string | undefined {
    const i = args.indexOf(name);
    if (i < 0) return undefined;
    const v = args[i + 1];
    if (v === undefined || v.startsWith('--')) throw new BenchArgError(`bench ${bench}: ${name} needs a value`);
    return v;
  }
  return {
    flag,
    count(args, name, dflt, min = 1) {
      const v = flag(args, name);
      if (v === undefined) return dflt;
      const n = Number(v);
      if (!Number.isInteger(n) || n < min) throw new BenchArgError(`bench ${bench}: ${name} must be a whole number ≥ ${min}, got '${v}'`);
      return n;
    },
    list(args, name) {
      const v = flag(args, name);
      return v === undefined ? undefined : v.split(',').map((s) => s.trim()).filter(Boolean);
    },
  };
}
