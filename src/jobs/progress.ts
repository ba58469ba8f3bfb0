// Throughput and ETA over a sliding window of recent completions (a job's first images
// include model warm-up; a window follows the current speed).
export class RateMeter {
  private readonly times: number[] = [];

  constructor(
    private readonly window = 32,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.times.push(this.now());
  }

  tick(): void {
    this.times.push(this.now());
    if (this.times.length > this.window + 1) this.times.shift();
  }

  /** images per second over the window (0 before the first completion) */
  rate(): number {
    const n = this.times.length - 1;
    if (n < 1) return 0;
    const dt = (this.times[n] - this.times[0]) / 1000;
    return dt > 0 ? n / dt : 0;
  }

  eta(remaining: number): number | null {
    const r = this.rate();
    return r > 0 ? remaining / r : null;
  }
}
