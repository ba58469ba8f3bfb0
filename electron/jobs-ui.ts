// What running jobs mean for the window: one progress fraction for the taskbar/dock bar,
// and whether closing must ask first. Fed by src/jobs' progress events; no Electron import.
import type { JobProgress } from '../src/jobs/types.ts';

const ACTIVE = new Set(['starting', 'running']);

export class JobTracker {
  private readonly jobs = new Map<number, JobProgress>();
  private readonly idleWaiters: (() => void)[] = [];
  /** the engine backend the last job's workers reported (for the About box) */
  backend: string | null = null;

  update(p: JobProgress): void {
    if (p.backend) this.backend = p.backend;
    if (ACTIVE.has(p.state)) this.jobs.set(p.jobId, p);
    else this.jobs.delete(p.jobId);
    if (this.jobs.size === 0) for (const w of this.idleWaiters.splice(0)) w();
  }

  /** ids of the jobs running now */
  active(): number[] {
    return [...this.jobs.keys()];
  }

  /**
   * For BrowserWindow.setProgressBar: -1 removes the bar (nothing running), 2 is Electron's
   * "indeterminate" (running, nothing known yet), else done / total over every running job.
   */
  fraction(): number {
    if (this.jobs.size === 0) return -1;
    let done = 0;
    let total = 0;
    for (const p of this.jobs.values()) {
      done += p.done + p.failed;
      total += p.total;
    }
    if (total === 0) return 2;
    return Math.min(1, Math.max(0, done / total));
  }

  /** resolves true once no job runs, false after `timeoutMs` */
  whenIdle(timeoutMs: number): Promise<boolean> {
    if (this.jobs.size === 0) return Promise.resolve(true);
    return new Promise((done) => {
      const t = setTimeout(() => done(false), timeoutMs);
      this.idleWaiters.push(() => {
        clearTimeout(t);
        done(true);
      });
    });
  }
}

/** The question the close dialog asks, and which answer means "cancel the jobs and close". */
export function closeQuestion(active: number): { message: string; detail: string; buttons: string[]; closeIndex: number; cancelId: number } {
  const jobs = active === 1 ? 'A mask generation job is' : `${active} mask generation jobs are`;
  return {
    message: `${jobs} still running.`,
    detail: 'Closing stops it after the images in progress; everything finished so far is saved, and the job resumes where it stopped the next time you start it.',
    buttons: ['Keep running', 'Stop and close'],
    closeIndex: 1,
    cancelId: 0,
  };
}

