// `generate DIR --shard i/n --into SHARD_DIR`: the shard's slice runs in a project folder
// of its own (SQLite must not be shared over a network filesystem), holding the slice's
// images (absolute paths to the same files), the project's classes and model, and the job
// with the same frozen parameters. Running the same command again resumes the shard;
// `merge DIR SHARD_DIR...` folds the results back.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { StudioError } from '../contract/errors.ts';
import { createProject, DB_FILE, openProject, type Project } from '../project/index.ts';
import { writeTransaction } from '../project/transaction.ts';
import { createOrResume } from './create.ts';
import { canonical } from '../contract/canonical.ts';
import { selectImages } from './selection.ts';
import { shardRange, type Shard } from './shard.ts';
import type { GenerationParams } from './types.ts';

export const SHARD_FILE = 'shard.json';

export interface ShardInfo {
  /** the project the shard was cut from */
  source: string;
  shard: Shard;
  /** the job's parameters in the source project */
  params: GenerationParams;
  /** images of the whole selection / of this slice */
  selection: number;
  slice: number;
}

/** Opens (resume) or creates the shard project; returns it with the job to run. */
export function prepareShardProject(main: Project, params: GenerationParams, shard: Shard, intoDir: string): { project: Project; jobId: number; info: ShardInfo } {
  const dir = path.resolve(intoDir);
  if (path.resolve(main.dir) === dir) throw new StudioError('BAD_REQUEST', `--into ${intoDir}: must be a new folder, not the project itself`);
  if (existsSync(path.join(dir, DB_FILE))) {
    const info = readShardInfo(dir);
    if (JSON.stringify(info.params) !== JSON.stringify(params) || info.shard.index !== shard.index || info.shard.count !== shard.count) {
      throw new StudioError('BAD_REQUEST', `${dir}: holds shard ${info.shard.index}/${info.shard.count} of a job with other parameters; use a new --into folder`);
    }
    const project = openProject(dir);
    const job = project.jobs.list().find((j) => j.kind === 'generate');
    if (!job) throw new StudioError('BAD_REQUEST', `${dir}: shard project has no job`);
    return { project, jobId: job.id, info };
  }
  // the frozen selection of the source's job when it has one, else the selection computed the same way
  const open = main.jobs.findLatest('generate', params as unknown as Record<string, unknown>);
  const ids = open ? main.jobItems.list(open.id).map((i) => i.imageId) : selectImages(main, params.selection);
  const [from, to] = shardRange(ids.length, shard);
  const slice = ids.slice(from, to);
  const model = main.models.list().find((m) => m.id === params.modelId);
  if (!model) throw new StudioError('NOT_FOUND', `model ${params.modelId} is not registered in ${main.dir}`);
  const project = createProject(dir, { name: `${main.name} shard ${shard.index}/${shard.count}` });
  try {
    const now = new Date().toISOString();
    const shardParams = writeTransaction(project.db, () => {
      const classMap = new Map<number, number>();
      for (const c of main.classes.list()) classMap.set(c.index, project.classes.add(c.name, c.color).index);
      for (const id of slice) {
        const img = main.images.get(id);
        const newId = project.images.insert(
          { name: img.name, path: main.imagePath(id), hash: img.hash, size: img.size, width: img.width, height: img.height, orientation: img.orientation, format: img.format, split: img.split },
          now,
        );
        project.images.addTags(newId, main.images.tags(id).map((c) => classMap.get(c)!));
      }
      const m = project.models.add({ file: model.file, format: model.format, preprocessing: model.preprocessing, hash: model.hash, classMap: model.classMap.map((c) => classMap.get(c)!) }, now);
      return canonical({ ...params, modelId: m.id, selection: { kind: 'all' } as const });
    });
    const { job } = createOrResume(project, shardParams);
    const info: ShardInfo = { source: main.dir, shard, params, selection: ids.length, slice: slice.length };
    writeFileSync(path.join(dir, SHARD_FILE), JSON.stringify(info, null, 2));
    return { project, jobId: job.id, info };
  } catch (e) {
    project.close();
    throw e;
  }
}

export function readShardInfo(dir: string): ShardInfo {
  const f = path.join(dir, SHARD_FILE);
  if (!existsSync(f)) throw new StudioError('NOT_FOUND', `${dir}: not a shard folder (no ${SHARD_FILE})`);
  try {
    return JSON.parse(readFileSync(f, 'utf8')) as ShardInfo;
  } catch (e) {
    throw new StudioError('BAD_REQUEST', `${f}: not valid JSON (${(e as Error).message})`);
  }
}
