// The progress a long command prints on stderr: a bar redrawn in place on a terminal, a
// plain line every ~5% otherwise (logs, CI). Import, import-masks and export use it.

export interface Stream {
  isTTY?: boolean;
  columns?: number;
  write(s: string): boolean;
}

export function progressLine(label: string, out: Stream): { update: (p: { done: number; total: number }) => void; finish: () => void } {
  let last = -1;
  let drawn = false;
  return {
    update({ done, total }) {
      if (total === 0) return;
      const frac = done / total;
      const step = Math.floor(frac * (out.isTTY ? 200 : 20));
      if (step === last) return;
      last = step;
      if (out.isTTY) {
        const width = Math.max(10, Math.min(40, (out.columns ?? 80) - 30));
        const fill = Math.round(frac * width);
        out.write(`\r${label} [${'#'.repeat(fill)}${'.'.repeat(width - fill)}] ${(frac * 100).toFixed(0).padStart(3)}% ${done}/${total}`);
        drawn = true;
      } else {
        out.write(`${label}: ${step * 5}% (${done}/${total})\n`);
      }
    },
    finish() {
      if (drawn) out.write('\n');
    },
  };
}
