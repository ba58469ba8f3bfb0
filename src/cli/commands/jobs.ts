// `jobs <dir> [--json] [--unlock]`: the project's generation and re-thresholding jobs, oldest
// first — what each ran (model, method, layer, background threshold), how far it got and
// whether it was rolled back: the job numbers `rollback` and `generate --rethreshold --job`
// take. --unlock first takes over run locks whose holders are gone (see jobs/run-lock.ts).
import { presetOf, type RefineSettings } from '../../masks/refine/index.ts';
import { CliError, flagBool } from '../args.ts';
import type { Command } from '../command.ts';
import path from 'node:path';
import { openProject, type Project } from '../../project/index.ts';
import type { JobRecord } from '../../project/types.ts';
import { unlockRuns } from '../../jobs/run-lock.ts';

export interface JobLine {
  id: number;
  kind: string;
  status: string;
  createdAt: string;
  updatedAt: string;
  rolledBackAt: string | null;
  /** what it ran, in a few words */
  what: string;
  total: number;
  done: number;
  failed: number;
  pending: number;
  error: string | null;
}

function describe(p: Project, job: JobRecord): string {
  const params = job.params;
  const mask = params.mask as { bg?: number } | undefined;
  const bg = typeof mask?.bg === 'number' ? ` τ_bg ${mask.bg}` : '' + '';
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

export function jobLines(p: Project): JobLine[] {
  return p.jobs.list().map((j) => {
    const c = p.jobItems.counts(j.id);
    return {
      id: j.id,
      kind: j.kind,
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
    };
  });
}

export const jobs: Command = {
  name: 'jobs',
  usage: 'jobs <dir> [--json] [--unlock]',
  summary: 'list the generation jobs: parameters, progress, status, rollbacks (--unlock: take over the run lock of a job whose process is gone)',
  booleans: ['json', 'unlock'],
  async run(args) {
    const [dir, extra] = args.positionals;
    if (!dir || extra) throw new CliError(`usage: ${jobs.usage}`);
    const p = openProject(dir);
    try {
      if (flagBool(args, 'unlock')) {
        const removed = unlockRuns(p);
        console.error(removed.length ? removed.map((r) => `took over ${r}`).join('\n') : `no run lock held in ${p.dir}`);
      }
      const lines = jobLines(p);
      if (flagBool(args, 'json')) {
        console.log(JSON.stringify(lines));
        return 0;
      }
      if (!lines.length) {
        console.log(`no jobs yet in ${p.dir}: run generate`);
        return 0;
      }
      for (const l of lines) {
        const state = l.rolledBackAt ? `rolled back ${l.rolledBackAt.slice(0, 16).replace('T', ' ')}` : l.status;
        const progress = `${l.done}/${l.total} done${l.failed ? `, ${l.failed} failed` : ''}${l.pending && l.status !== 'done' ? `, ${l.pending} to go` : ''}`;
        console.log(`job ${l.id}  ${l.kind}  ${state}  ${l.createdAt.slice(0, 16).replace('T', ' ')}  ${progress}  —  ${l.what}${l.error ? `  (${l.error})` : ''}`);
      }
    } finally {
      p.close();
    }
    return 0;
  },
};
