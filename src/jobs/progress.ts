// Throughput and ETA over a sliding window of recent completions (a job's first images
// include model warm-up; a window follows the current speed), and the record a job shows
// before its first image.
import type { JobKind, JobProgress } from '../contract/jobs.ts';
import type { Project } from '../project/index.ts';

/** A job's progress record while its workers start: its counts so far, nothing measured yet. */
export function startingProgress(project: Project, jobId: number, kind: JobKind): JobProgress {
  const c = project.jobItems.counts(jobId);
  return { jobId, kind, state: 'starting', total: c.total, done: c.done, failed: c.failed, processed: 0, imagesPerSec: 0, etaSec: null, errors: [], errorCount: 0, keptHuman: 0, backend: '', workers: 0 };
}
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
