// `generate <dir>`: tags → CAMs → pseudo-masks for the project. A second
// run with the same parameters (or --job ID) resumes the job; --shard i/n (or the
// scheduler's environment) runs one deterministic slice, --into SHARD_DIR in a project of
// its own; --rethreshold rebuilds a finished job's masks from its stored CAMs (with
// --refine, through another refinement chain; without, the job's own).
// Progress: a bar on a terminal (stderr), else one JSON line per --every N images (stdout).
import { CliError, flagBool, flagNumber, flagString, type ParsedArgs } from '../args.ts';
import type { Command } from '../command.ts';
import type { Stream } from '../progress.ts';
import { openProject, type Project } from '../../project/index.ts';
import {
  cancelJob,
  generationParams,
  prepareShardProject,
  shardFrom,
  startJob,
  startRethreshold,
  type ClassSource,
  type GenerateInput,
  type JobProgress,
  type JobSummary,
  type Selection,
} from '../../jobs/index.ts';
import type { MaskSettings } from '../../masks/cam-mask.ts';
import { DEFAULT_AUTO_BACKGROUND } from '../../masks/refine/index.ts';

const USAGE =
  'generate <dir> [--model ID|FILE] [--job ID] [--method rcam] [--layer layer2] [--workers N] [--bg auto|T] [--ignore-band D] [--min-area N] [--fill-holes] [--norm relu-max|minmax] [--refine none|fast|best] [--classes tags|predicted:P] [--select all|without-mask] [--status S] [--multiscale [--scales 0.5,1,1.5,2] [--no-flip]] [--shard i/n] [--into SHARD_DIR] [--retry-failed] [--new] [--rethreshold] [--every N]';

const BOOLEANS = ['fill-holes', 'multiscale', 'no-flip', 'retry-failed', 'rethreshold', 'new'] as const;

export const generate: Command = {
  name: 'generate',
  usage: USAGE,
  summary: 'generate pseudo-masks (resumable, shardable); --rethreshold rebuilds a job\'s masks from stored CAMs',
  booleans: BOOLEANS,
  async run(args) {
    const [dir, extra] = args.positionals;
    if (!dir || extra) throw new CliError(`usage: ${USAGE}`);
    const every = Math.max(1, Math.floor(flagNumber(args, 'every') ?? 10));
    const printer = progressPrinter(process.stderr, process.stdout, every);
    const main = openProject(dir);
    let shardProject: Project | null = null;
    const onSigint = () => {
      printer.note('cancelling: the images in the workers finish, then the job stops (run the same command to resume)');
      if (current !== null) cancelJob(current);
      process.once('SIGINT', () => process.exit(130));
    };
    let current: number | null = null;
    process.once('SIGINT', onSigint);
    try {
      const mask = maskFlags(args);
      let summary: JobSummary;
      if (flagBool(args, 'rethreshold')) {
        const job = flagNumber(args, 'job') ?? latestGeneration(main);
        const refine = flagString(args, 'refine');
        const h = startRethreshold(main, job, mask, { onProgress: printer.update, workers: flagNumber(args, 'workers'), ...(refine !== undefined ? { refine } : {}) });
        current = h.jobId;
        summary = await h.done;
      } else {
        const input = generateInput(args, mask);
        const jobFlag = flagNumber(args, 'job');
        const shard = shardFrom(flagString(args, 'shard'));
        const into = flagString(args, 'into');
        const workers = flagNumber(args, 'workers');
        const retryFailed = flagBool(args, 'retry-failed');
        let target = main;
        let jobId = jobFlag;
        let runShard = shard;
        if (into) {
          if (!shard) throw new CliError('--into needs a shard: --shard i/n, or JOB_COMPLETION_INDEX+RS_SHARDS / SLURM_ARRAY_TASK_ID+SLURM_ARRAY_TASK_COUNT');
          const params = jobFlag !== undefined ? (main.jobs.get(jobFlag).params as unknown as ReturnType<typeof generationParams>) : generationParams(main, input);
          const s = prepareShardProject(main, params, shard, into);
          shardProject = s.project;
          target = s.project;
          jobId = s.jobId;
          runShard = null; // the shard project holds only the slice
          printer.note(`shard ${shard.index}/${shard.count}: ${s.info.slice} of ${s.info.selection} images → ${s.project.dir}`);
        }
        const h = startJob(target, { ...input, fresh: flagBool(args, 'new'), ...(jobId !== undefined ? { jobId } : {}) }, { workers, shard: runShard, retryFailed, onProgress: printer.update });
        current = h.jobId;
        printer.note(`${h.resumed ? 'resuming' : 'started'} job ${h.jobId}${runShard ? ` (shard ${runShard.index}/${runShard.count})` : ''}`);
        summary = await h.done;
      }
      printer.finish(summary);
      if (summary.resumed && summary.processed === 0 && summary.state === 'done') {
        printer.note(`job ${summary.jobId} had nothing left to do${summary.failed ? ' (--retry-failed retries its failed images)' : ''}; --new starts another job with these parameters`);
      }
      return summary.state === 'failed' ? 1 : 0;
    } finally {
      process.off('SIGINT', onSigint);
      shardProject?.close();
      main.close();
    }
  },
};

function latestGeneration(p: Project): number {
  const jobs = p.jobs.list().filter((j) => j.kind === 'generate' && !j.rolledBackAt && j.status === 'done');
  if (jobs.length === 0) throw new CliError(`${p.dir}: no finished generation job to re-threshold; give --job ID`);
  return jobs[jobs.length - 1].id;
}

/** `o` without its undefined fields: a flag left out leaves its setting to the job's default */
function given<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function maskFlags(args: ParsedArgs): Partial<MaskSettings> {
  // absent or 'auto': τ_bg chosen per image by the studio (resolveMaskSettings); a number wins
  const bg = flagString(args, 'bg');
  if (bg !== undefined && bg !== 'auto' && !Number.isFinite(Number(bg))) throw new CliError(`--bg must be auto or a number within 0…1, got '${bg}'`);
  return given({
    bg: bg === undefined || bg === 'auto' ? undefined : Number(bg),
    bgAuto: bg === 'auto' ? { ...DEFAULT_AUTO_BACKGROUND } : undefined,
    ignoreBand: flagNumber(args, 'ignore-band'),
    minArea: flagNumber(args, 'min-area'),
    fillHoles: flagBool(args, 'fill-holes') || undefined,
    normalisation: flagString(args, 'norm') as MaskSettings['normalisation'] | undefined,
  });
}

function generateInput(args: ParsedArgs, mask: Partial<MaskSettings>): GenerateInput {
  const classes = flagString(args, 'classes');
  const input: GenerateInput = {
    mask,
    ...given({
      model: flagString(args, 'model'),
      method: flagString(args, 'method'),
      refine: flagString(args, 'refine'),
      layer: flagString(args, 'layer'),
      classes: classes === undefined ? undefined : classSource(classes),
    }),
  };
  const select = flagString(args, 'select');
  const status = flagString(args, 'status');
  if (select !== undefined || status !== undefined) input.selection = selection(select, status);
  if (flagBool(args, 'multiscale')) {
    const scales = flagString(args, 'scales');
    input.multiScale = { scales: scales ? scales.split(',').map(Number) : [0.5, 1, 1.5, 2], flip: !flagBool(args, 'no-flip') };
  }
  return input;
}

function classSource(v: string): ClassSource {
  if (v === 'tags') return { kind: 'tags' };
  const m = /^predicted(?::([\d.]+))?$/.exec(v);
  if (!m) throw new CliError(`--classes must be 'tags' or 'predicted:P' (P a probability), got '${v}'`);
  return { kind: 'predicted', minProbability: m[1] ? Number(m[1]) : 0.5 };
}

function selection(select: string | undefined, status: string | undefined): Selection {
  if (status !== undefined) return { kind: 'filter', status: status as NonNullable<Extract<Selection, { kind: 'filter' }>['status']> };
  if (select === 'all' || select === undefined) return { kind: 'all' };
  if (select === 'without-mask') return { kind: 'without-mask' };
  throw new CliError(`--select must be all or without-mask, got '${select}'`);
}

function progressPrinter(err: Stream, out: Stream, every: number) {
  let drawn = false;
  let lastLine = -1;
  let lastDraw = 0;
  const tty = err.isTTY === true;
  const clear = () => {
    if (drawn) err.write('\r\x1b[K');
    drawn = false;
  };
  return {
    note(msg: string) {
      clear();
      err.write(`${msg}\n`);
    },
    update(p: JobProgress) {
      if (tty) {
        const now = Date.now();
        if (p.state === 'running' && now - lastDraw < 100 && p.done + p.failed < p.total) return;
        lastDraw = now;
        const frac = p.total ? (p.done + p.failed) / p.total : 1;
        const width = Math.max(10, Math.min(40, (err.columns ?? 80) - 60));
        const fill = Math.round(frac * width);
        const eta = p.etaSec === null ? '--' : formatSec(p.etaSec);
        err.write(
          `\r\x1b[K${p.kind} [${'#'.repeat(fill)}${'.'.repeat(width - fill)}] ${p.done + p.failed}/${p.total} ${p.imagesPerSec.toFixed(1)} img/s ETA ${eta}${p.failed ? ` ${p.failed} failed` : ''}`,
        );
        drawn = true;
        return;
      }
      const n = p.processed;
      const final = p.state !== 'running';
      if (!final && (n === 0 || n % every !== 0 || n === lastLine)) return;
      lastLine = n;
      out.write(
        `${JSON.stringify({ event: 'progress', job: p.jobId, kind: p.kind, state: p.state, done: p.done, failed: p.failed, total: p.total, imagesPerSec: round(p.imagesPerSec), etaSec: p.etaSec === null ? null : round(p.etaSec), errors: p.errorCount, backend: p.backend, workers: p.workers })}\n`,
      );
    },
    finish(s: JobSummary) {
      clear();
      if (!tty) {
        out.write(`${JSON.stringify({ event: 'summary', ...s, errors: s.errors.slice(-20), seconds: round(s.seconds) })}\n`);
        return;
      }
      for (const e of s.errors.slice(-20)) err.write(`failed ${e.name}: ${e.message}\n`);
      const parts = [`${s.done}/${s.total} done`, `${s.failed} failed`, `${s.processed} this run in ${formatSec(s.seconds)}`];
      if (s.keptHuman) parts.push(`${s.keptHuman} kept as non-current versions (human-edited, imported or approved masks left in place)`);
      out.write(`job ${s.jobId} (${s.kind}) ${s.state}: ${parts.join(', ')}${s.backend ? ` [${s.backend}, ${s.workers} worker${s.workers > 1 ? 's' : ''}]` : ''}\n`);
      if (s.message) err.write(`${s.message}\n`);
    },
  };
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}

function formatSec(s: number): string {
  if (s < 60) return `${s.toFixed(0)}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}
