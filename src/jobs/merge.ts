// `merge DIR SHARD_DIR...`: shard results fold into the project's job with the same
// parameters (found, or created with the same frozen selection), image by image through
// the same commit as a local run — so the never-replace-human-work rule holds, an image
// already done is never written twice, and the merged job can be rolled back.
import { StudioError } from '../contract/errors.ts';
import { decodeLabelPng, encodeLabelPng } from '../project/png.ts';
import { openProject, type Project } from '../project/index.ts';
import { commitFailure, commitImage } from './commit.ts';
import { createOrResume } from './create.ts';
import type { StoredCam } from '../masks/cam-mask.ts';
import { canonical } from '../contract/canonical.ts';
import { storedCamMethod } from './params.ts';
import { deepLayersOf } from '../masks/refine/index.ts';
import { thresholdsOf } from './runner.ts';
import { readStoredCams } from './stored-cams.ts';
import { readShardInfo } from './shard-project.ts';
import type { GenerationParams } from './types.ts';

export interface MergeReport {
  jobId: number;
  shards: number;
  merged: number;
  failed: number;
  /** already done in the project (an earlier merge, or a local run) */
  skipped: number;
  /** shard images that are not in the job's selection here */
  notInSelection: number;
  keptHuman: number;
  /** shards whose slices are not finished yet (pending images) */
  unfinished: { dir: string; pending: number }[];
  jobDone: boolean;
}

export function mergeShards(main: Project, shardDirs: readonly string[]): MergeReport {
  if (shardDirs.length === 0) throw new StudioError('BAD_REQUEST', 'merge: name at least one shard folder');
  let jobId = -1;
  const report: MergeReport = { jobId, shards: 0, merged: 0, failed: 0, skipped: 0, notInSelection: 0, keptHuman: 0, unfinished: [], jobDone: false };
  let mainParams: GenerationParams | null = null;
  for (const dir of shardDirs) {
    const info = readShardInfo(dir);
    const params = canonical(info.params);
    const model = main.models.byHash(params.modelHash);
    if (!model) throw new StudioError('NOT_FOUND', `${dir}: its model (hash ${params.modelHash.slice(0, 12)}…) is not registered in ${main.dir}`);
    const p = canonical({ ...params, modelId: model.id });
    if (mainParams && JSON.stringify(mainParams) !== JSON.stringify(p)) throw new StudioError('BAD_REQUEST', `${dir}: a shard of a job with other parameters than ${shardDirs[0]}`);
    mainParams = p;
    if (jobId < 0) jobId = createOrResume(main, p).job.id;
    const shard = openProject(dir);
    try {
      mergeOne(main, shard, jobId, p, dir, report);
    } finally {
      shard.close();
    }
    report.shards++;
  }
  const c = main.jobItems.counts(jobId);
  main.jobs.setStatus(jobId, c.pending === 0 ? 'done' : 'queued', new Date().toISOString());
  report.jobId = jobId;
  report.jobDone = c.pending === 0;
  return report;
}

function mergeOne(main: Project, shard: Project, jobId: number, params: GenerationParams, dir: string, report: MergeReport): void {
  const sJob = shard.jobs.list().find((j) => j.kind === 'generate');
  if (!sJob) throw new StudioError('BAD_REQUEST', `${dir}: shard project has no generation job`);
  const classTo = new Map<number, number>();
  for (const c of shard.classes.list()) {
    const idx = main.classes.indexOf(c.name);
    if (idx === undefined) throw new StudioError('BAD_REQUEST', `${dir}: class '${c.name}' is not in ${main.dir}`);
    classTo.set(c.index, idx);
  }
  const identity = [...classTo].every(([a, b]) => a === b);
  const table = new Uint8Array(256).map((_, i) => (i === 0 || i === 255 ? i : classTo.get(i) ?? 255));
  const key = storedCamMethod(params.method, params.multiScale);
  const refine = params.refine ?? null;
  const ctx = { jobId, modelHash: params.modelHash, camMethod: key, layer: params.layer, thresholds: thresholdsOf(params.mask), refine };
  const pending = shard.jobItems.counts(sJob.id).pending;
  if (pending > 0) report.unfinished.push({ dir, pending });
  for (const item of shard.jobItems.list(sJob.id, { states: ['done', 'failed'] })) {
    const sImg = shard.images.get(item.imageId);
    const mImg = main.images.byNameHash(sImg.name, sImg.hash);
    const mItem = mImg && main.jobItems.get(jobId, mImg.id);
    if (!mImg || !mItem) {
      report.notInSelection++;
      continue;
    }
    if (mItem.state === 'done') {
      report.skipped++;
      continue;
    }
    if (item.state === 'failed') {
      commitFailure(main, jobId, mImg.id, item.error ?? 'failed in a shard');
      report.failed++;
      continue;
    }
    // the deeper layers' CAMs a refined mask was made from travel with it (re-refining needs them)
    const stored = readStoredCams(shard, { modelHash: params.modelHash, camMethod: key, layer: params.layer }, item.imageId, item.classes, deepLayersOf(refine), `${dir}: ${sImg.name}`);
    const toMain = (cs: StoredCam[]): StoredCam[] => cs.map((c) => ({ ...c, classIndex: classTo.get(c.classIndex)! }));
    const cams = toMain(stored.cams);
    const deep = Object.fromEntries(Object.entries(stored.deep).map(([layer, cs]) => [layer, toMain(cs)]));
    const steps = item.maskId !== null ? (shard.masks.version(item.maskId)?.provenance.refine?.steps ?? []) : [];
    let png = item.maskId !== null ? shard.masks.png(item.maskId) : null;
    if (png && !identity) {
      const m = decodeLabelPng(png, `${dir}: mask of ${sImg.name}`);
      png = encodeLabelPng(m.labels.map((v) => table[v]), m.width, m.height);
    }
    const out = commitImage(main, ctx, { imageId: mImg.id, cams, deep, storeCams: true, png, steps });
    if (out.written) {
      report.merged++;
      if (out.keptHuman) report.keptHuman++;
    } else report.skipped++;
  }
}
