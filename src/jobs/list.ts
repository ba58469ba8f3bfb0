// The project's jobs as people read them (`relevance-studio jobs`, the Generate panel's job
// list): what each ran (model, method @ layer, τ_bg, refinement chain), how far it got,
// whether it was rolled back — the job numbers rollback and resume take.
import path from 'node:path';
import type { JobInfo, JobKind } from '../contract/jobs.ts';
import { presetOf, type RefineSettings } from '../masks/refine/index.ts';
import type { JobRecord, Project } from '../project/index.ts';

function describe(p: Project, job: JobRecord): string {
  const params = job.params;
  const mask = params.mask as { bg?: number } | undefined;
  const bg = typeof mask?.bg === 'number' ? ` τ_bg ${mask.bg}` : '';
  const refine = chainName(params.refine);
  // camKey: the field's name in re-threshold jobs written by 0.1 builds
  if (job.kind === 'rethreshold') return `re-threshold of job ${String(params.sourceJob)}, ${String(params.camMethod ?? params.camKey)} @ ${String(params.layer)}${bg}${refine}`;
  const modelId = Number(params.modelId);
  const model = p.models.list().find((m) => m.id === modelId);
  const name = model ? `model ${model.id} (${path.basename(model.file)})` : `model ${modelId} (removed)`;
  return `${name}, ${String(params.method)} @ ${String(params.layer)}${bg}${refine}`;
}

/** ', refine fast' for a preset's chain, ', refine custom' for another, '' for raw CAMs (and jobs made before the chain existed) */
function chainName(refine: unknown): string {
  if (refine === null || refine === undefined) return '';
  return `, refine ${presetOf(refine as RefineSettings) ?? 'custom'}`;
}

/** Every job, oldest first; `active` says which ones this process runs now. */
export function jobInfos(p: Project, active: (jobId: number) => boolean = () => false): JobInfo[] {
  return p.jobs.list().map((j) => {
    const c = p.jobItems.counts(j.id);
    return {
      id: j.id,
      kind: j.kind as JobKind,
      status: j.status,
      createdAt: j.createdAt,
      updatedAt: j.updatedAt,
      rolledBackAt: j.rolledBackAt ?? null,
      what: describe(p, j),
      total: c.total,
      done: c.done,
      failed: c.failed,
      pending: c.pending,
      error: j.error,
      active: active(j.id),
    };
  });
}
