// What CLI commands print, captured per test while the commands themselves run for real:
// console.log lines go to `out`, console.error lines and raw stderr writes to `err`.
import { afterEach, beforeEach, vi } from 'vitest';

export interface CliOutput {
  readonly out: string[];
  readonly err: string[];
  /** forgets what was printed so far (between two commands of one test) */
  clear(): void;
}

export function captureCli(): CliOutput {
  const io: CliOutput = {
    out: [],
    err: [],
    clear() {
      io.out.length = 0;
      io.err.length = 0;
    },
  };
  beforeEach(() => {
    io.clear();
    vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void io.out.push(a.join(' ')));
    vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void io.err.push(a.join(' ')));
    vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => (io.err.push(String(s)), true));
  });
  afterEach(() => vi.restoreAllMocks());
  return io;
}
