// The one progress record of a batch job, from the job loop (src/jobs/loop.ts) through the
// services and both transports to the renderer: 'job.progress' and 'job.finished' carry
// it, generationStatus returns it, the CLI prints it. Types only.

/** generate: CAMs and masks from the model; rethreshold: masks rebuilt from a finished job's stored CAMs */
export type JobKind = 'generate' | 'rethreshold';

/** paused: stopped before it finished without a cancel (a crash, a closed studio); Resume (or Start with its settings) finishes it */
export type JobState = 'starting' | 'running' | 'done' | 'cancelled' | 'failed' | 'paused';

export interface JobError {
  imageId: number;
  name: string;
  message: string;
}

// a type literal, not an interface: TypeScript normalises a union of literal types, so code
// reading a field of any StudioEvents payload keeps compiling
export type JobProgress = {
  jobId: number;
  kind: JobKind;
  state: JobState;
  /** images of this run's scope (the job, or its shard slice) */
  total: number;
  /** done in this scope, including earlier runs of the job */
  done: number;
  failed: number;
  /** images finished by this run (done or failed) */
  processed: number;
  /** this run's throughput over its last images */
  imagesPerSec: number;
  /** seconds until the scope is finished at that rate; null before the first image */
  etaSec: number | null;
  /** the newest failures of this run (up to 100) */
  errors: JobError[];
  /** every failure of this run */
  errorCount: number;
  /** masks stored as non-current versions because a person owned the current one */
  keptHuman: number;
  /** the engine backend ('' before the workers are up; 'none (stored CAMs)' without a model) */
  backend: string;
  workers: number;
  /** set on the record of a finished run: how long it took */
  seconds?: number;
  /** set when state is 'failed': why */
  message?: string;
};

/** A job as the project keeps it (the Generate panel's job list, `relevance-studio jobs`). */
export interface JobInfo {
  id: number;
  kind: JobKind;
  /** 'running' also for a job whose process died (it resumes) */
  status: 'queued' | 'running' | 'done' | 'failed' | 'cancelled';
  createdAt: string;
  updatedAt: string;
  rolledBackAt: string | null;
  /** what it ran, in a few words (model, method @ layer, τ_bg, chain) */
  what: string;
  total: number;
  done: number;
  failed: number;
  /** images not done yet: what Resume runs */
  pending: number;
  error: string | null;
  /** running in this studio now */
  active: boolean;
}

/** What a rollback did (`relevance-studio rollback`, the job list's Roll back). */
export interface RollbackReport {
  jobId: number;
  /** versions deleted */
  removed: number;
  /** images whose previous current version (or no mask) came back */
  restored: number;
  /** versions kept because they were approved since */
  keptApproved: number;
}
