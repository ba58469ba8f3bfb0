// The Projects home, the import wizard and the model dialog through the studio host, as the
// transports call them (dispatch): real project folders, real JPEGs and VOC folders, the
// demo classifier (ONNX). A project switch is refused while an import or a generation job
// runs in the open project; once it has finished, nothing is lost.
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EventName, StudioApi, StudioEvents } from '../../../src/contract/api.ts';
import type { DatasetDryRun, ImportProgress, ModelInspection, ProjectCard, TryModelResult } from '../../../src/contract/projects.ts';
import type { ModelSummary } from '../../../src/contract/generation.ts';
import { buildModelBytes, makeNode, tensorValueInfo } from '../../../src/engine/onnx/build.ts';
import { openProject } from '../../../src/project/index.ts';
import { createEventBus, StudioHost } from '../../../src/services/index.ts';
import { RecentProjects } from '../../../src/services/recent.ts';
import { dispatchCalls } from '../../helpers/dispatch-calls.ts';
import { labelMap, rgbPixels, tempDir, uniqueJpeg, writeGarbage, writeJpeg, writeVocDataset } from '../../helpers/images.ts';
import { DEMO, demoSubset } from '../jobs/fixture.ts';

const DEMO_ONNX = path.join(DEMO, 'model', 'classifier.onnx');

let tmp: ReturnType<typeof tempDir>;
let host: StudioHost;
let api: StudioApi;
let events: { name: EventName; payload: StudioEvents[EventName] }[];

beforeEach(() => {
  tmp = tempDir('projects-service-');
  const bus = createEventBus();
  events = [];
  bus.subscribe((name, payload) => events.push({ name, payload }));
  host = new StudioHost({ bus, recent: new RecentProjects(path.join(tmp.dir, 'data', 'recent-projects.json')), demoDir: DEMO });
  api = host.api;
});

afterEach(async () => {
  await host.close();
  tmp.cleanup();
});

const { call, refused } = dispatchCalls(() => api);

async function importFinished(jobId: number): Promise<ImportProgress> {
  for (;;) {
    const e = events.find((x) => x.name === 'import.finished' && (x.payload as ImportProgress).jobId === jobId);
    if (e) return e.payload as ImportProgress;
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** a folder-per-class dataset of small JPEGs */
async function foldersDataset(dir: string, perClass: Record<string, number>): Promise<string> {
  let seed = 1;
  for (const [cls, n] of Object.entries(perClass)) for (let i = 0; i < n; i++) await writeJpeg(path.join(dir, cls, `${cls}_${i}.jpg`), { width: 24, height: 16, seed: seed++ });
  return dir;
}

describe('projects', () => {
  it('starts with none open, creates two, lists them with their numbers and switches between them', async () => {
    expect(await call('currentProject')).toBeNull();
    expect(await refused('projectInfo')).toEqual({ code: 'NOT_FOUND', message: 'no project is open; open or create one on the Projects home' });
    expect(await call('recentProjects')).toEqual([]);

    const a = await call<{ path: string; name: string }>('createProject', { name: 'Pets', parent: tmp.dir, folder: 'pets' });
    expect(a).toEqual({ path: path.join(tmp.dir, 'pets'), name: 'Pets' });
    expect(existsSync(path.join(tmp.dir, 'pets', 'project.sqlite'))).toBe(true);
    expect(events.filter((e) => e.name === 'project.changed').map((e) => e.payload)).toEqual([{ reason: 'open' }]);
    const data = await foldersDataset(path.join(tmp.dir, 'data'), { cat: 2, dog: 1 });
    const { jobId } = await call<{ jobId: number }>('startImport', { path: data, layout: 'folders', masks: 'current' });
    expect((await importFinished(jobId)).summary).toMatchObject({ added: 3, newClasses: ['cat', 'dog'] });

    const b = await call<{ path: string }>('createProject', { name: 'Cars', parent: tmp.dir, folder: 'cars' });
    expect((await call<{ name: string }>('projectInfo')).name).toBe('Cars');
    let cards = await call<ProjectCard[]>('recentProjects');
    expect(cards.map((c) => [c.name, c.current, c.stats])).toEqual([
      ['Cars', true, { images: 0, masks: 0, approved: 0, classes: 0 }],
      ['Pets', false, { images: 3, masks: 0, approved: 0, classes: 2 }],
    ]);

    expect(await call('openProject', a.path)).toEqual(a);
    expect((await call<{ images: number }>('projectInfo')).images).toBe(3);
    cards = await call<ProjectCard[]>('recentProjects');
    expect(cards.map((c) => [c.name, c.current])).toEqual([
      ['Pets', true],
      ['Cars', false],
    ]);
    await call('forgetProject', b.path);
    expect((await call<ProjectCard[]>('recentProjects')).map((c) => c.name)).toEqual(['Pets']);
    // the list outlives the host (the data folder's recent-projects.json)
    const again = new RecentProjects(path.join(tmp.dir, 'data', 'recent-projects.json'));
    expect(again.list().map((r) => r.path)).toEqual([a.path]);
  });

  it('refuses what cannot be a project with one line naming the folder', async () => {
    mkdirSync(path.join(tmp.dir, 'plain'));
    expect(await refused('openProject', path.join(tmp.dir, 'plain'))).toEqual({
      code: 'NOT_FOUND',
      message: `${path.join(tmp.dir, 'plain')}: not a Relevance Studio project (no project.sqlite); create one with 'relevance-studio init'`,
    });
    await call('createProject', { name: 'One', parent: tmp.dir, folder: 'one' });
    expect((await refused('createProject', { name: 'Two', parent: tmp.dir, folder: 'one' })).message).toBe(`${path.join(tmp.dir, 'one')}: a project already exists here (project.sqlite)`);
    expect((await refused('createProject', { name: 'x', parent: tmp.dir, folder: '../escape' })).message).toMatch(/^createProject: folder must be one folder name/);
    expect((await refused('createProject', { name: 'bad\u202ename', parent: tmp.dir, folder: 'bad' })).message).toMatch(/project name "bad\u202ename" contains U\+202E/);
    expect((await call<{ name: string }>('currentProject')).name).toBe('One');
  });
});

describe('import', () => {
  beforeEach(async () => {
    await call('createProject', { name: 'Target', parent: tmp.dir, folder: 'target' });
  });

  it('dry-runs a folder-per-class dataset: classes, counts and the first problems, writing nothing', async () => {
    const data = await foldersDataset(path.join(tmp.dir, 'folders'), { cat: 3, dog: 2 });
    writeGarbage(path.join(data, 'dog', 'broken.jpg'));
    copyFileSync(path.join(data, 'cat', 'cat_0.jpg'), path.join(data, 'dog', 'cat_0.jpg')); // one picture, two classes
    const dry = await call<DatasetDryRun>('inspectDataset', { path: data });
    expect(dry).toMatchObject({ dir: data, layout: 'folders', detected: 'folders', layouts: ['folders'], tagsFile: null, images: 7, untagged: 0, masks: 0, alreadyInProject: 0, headersChecked: 7 });
    expect(dry.classes).toEqual([
      { name: 'dog', images: 4, inProject: false },
      { name: 'cat', images: 3, inProject: false },
    ]);
    expect(dry.splits).toEqual({ train: 0, val: 0, test: 0, none: 7 });
    expect(dry.problems).toEqual([
      { file: path.join(data, 'dog', 'broken.jpg'), message: expect.stringMatching(/^not a readable image \(.+\); skipped by the import$/) },
      { file: path.join(data, 'dog', 'cat_0.jpg'), message: expect.stringMatching(/^probably the same image as cat\/cat_0\.jpg/) },
    ]);
    expect(dry.problemCount).toBe(2);
    expect((await call<{ images: number; classes: unknown[] }>('projectInfo')).images).toBe(0);

    const { jobId } = await call<{ jobId: number }>('startImport', { path: data, layout: 'folders', masks: 'current' });
    const done = await importFinished(jobId);
    expect(done).toMatchObject({ state: 'done', done: 7, total: 7, summary: { added: 6, skipped: 0, errorCount: 1 } });
    expect(done.summary!.errors[0].file).toBe(path.join(data, 'dog', 'broken.jpg'));
    expect(events.some((e) => e.name === 'project.changed' && (e.payload as { reason: string }).reason === 'import')).toBe(true);
    // a second dry run sees what is in the project now
    const again = await call<DatasetDryRun>('inspectDataset', { path: data });
    expect(again.alreadyInProject).toBe(6);
    expect(again.classes.map((c) => c.inProject)).toEqual([true, true]);
  });

  it('dry-runs a VOC folder with SegmentationClass and imports its masks as ground truth', async () => {
    const data = path.join(tmp.dir, 'voc');
    await writeVocDataset(
      data,
      [
        { stem: 'a', width: 20, height: 16, objects: ['dog'], split: 'train', mask: labelMap(20, 16, 2) },
        { stem: 'b', width: 20, height: 16, objects: ['cat', 'dog'], split: 'val', mask: labelMap(20, 16, 1) },
        { stem: 'c', width: 20, height: 16, objects: ['horse'], split: 'train' },
      ],
      { classesTxt: ['cat', 'dog'] },
    );
    const dry = await call<DatasetDryRun>('inspectDataset', { path: data });
    expect(dry).toMatchObject({ layout: 'voc', detected: 'voc', images: 3, masks: 2, splits: { train: 2, val: 1, test: 0, none: 0 }, problemCount: 1 });
    expect(dry.classes).toEqual([
      { name: 'dog', images: 2, inProject: false },
      { name: 'cat', images: 1, inProject: false },
      { name: 'horse', images: 1, inProject: false },
    ]);
    expect(dry.problems[0]).toEqual({ file: path.join(data, 'Annotations', 'c.xml'), message: "tag 'horse' names no class of the dataset's class list; it becomes a new class" });

    const { jobId } = await call<{ jobId: number }>('startImport', { path: data, layout: 'voc', masks: 'ground-truth' });
    expect((await importFinished(jobId)).summary).toMatchObject({ layout: 'voc', added: 3, masks: 2, newClasses: ['cat', 'dog', 'horse'] });
    const p = host.current()!;
    const a = p.allImages().find((i) => i.name === 'JPEGImages/a.jpg')!;
    expect(p.groundTruthMask(a.id)?.version.groundTruth).toBe(true);
    expect(p.currentMask(a.id)).toBeNull();
  });

  it('cancels between batches, keeping what is stored; the same import again adds the rest', async () => {
    const dir = path.join(tmp.dir, 'many', 'thing');
    mkdirSync(dir, { recursive: true });
    const base = await sharp(rgbPixels(16, 12, 3), { raw: { width: 16, height: 12, channels: 3 } }).jpeg().toBuffer();
    for (let i = 0; i < 300; i++) writeFileSync(path.join(dir, `img_${String(i).padStart(3, '0')}.jpg`), uniqueJpeg(base, i));
    const data = path.dirname(dir);
    const { jobId } = await call<{ jobId: number }>('startImport', { path: data, layout: 'folders', masks: 'current' });
    while (!events.some((e) => e.name === 'import.progress' && (e.payload as ImportProgress).done > 0)) await new Promise((r) => setTimeout(r, 5));
    expect(await call('cancelImport', jobId)).toBe(true);
    const cancelled = await importFinished(jobId);
    expect(cancelled.state).toBe('cancelled');
    const kept = cancelled.summary!.added;
    expect(kept % 64).toBe(0);
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThan(300);
    expect((await call<{ images: number }>('projectInfo')).images).toBe(kept);
    expect(await call('cancelImport', jobId)).toBe(false);

    const second = await call<{ jobId: number }>('startImport', { path: data, layout: 'folders', masks: 'current' });
    expect((await importFinished(second.jobId)).summary).toMatchObject({ added: 300 - kept, skipped: kept });
    expect((await call<{ images: number }>('projectInfo')).images).toBe(300);
  });

  it('refuses to open another project while an import runs; once it has finished nothing is lost', async () => {
    const data = await foldersDataset(path.join(tmp.dir, 'busy'), { a: 70, b: 70 });
    await call('createProject', { name: 'Other', parent: tmp.dir, folder: 'other' });
    await call('openProject', path.join(tmp.dir, 'target'));
    const { jobId } = await call<{ jobId: number }>('startImport', { path: data, layout: 'folders', masks: 'current' });
    const err = await refused('openProject', path.join(tmp.dir, 'other'));
    expect(err.code).toBe('BAD_REQUEST');
    expect(err.message).toMatch(/^cannot open another project: an import \(\d+ of \d+ images\) is running in Target; cancel it or wait for it to finish \(nothing is lost either way\)$/);
    expect((await refused('createProject', { name: 'Third', parent: tmp.dir, folder: 'third' })).message).toMatch(/^cannot create a project: an import/);
    expect(existsSync(path.join(tmp.dir, 'third'))).toBe(false);
    expect((await refused('startImport', { path: data, layout: 'folders', masks: 'current' })).message).toMatch(/^an import \(job \d+, .*\) is running in Target/);
    expect((await importFinished(jobId)).summary!.added).toBe(140);
    await call('openProject', path.join(tmp.dir, 'other'));
    expect((await call<{ name: string }>('projectInfo')).name).toBe('Other');
    const target = openProject(path.join(tmp.dir, 'target'));
    try {
      expect(target.info().images).toBe(140);
    } finally {
      target.close();
    }
  });
});

describe('models', () => {
  let voc: string;
  beforeEach(async () => {
    await call('createProject', { name: 'Scenes', parent: tmp.dir, folder: 'scenes' });
    voc = demoSubset(path.join(tmp.dir, 'scenes-data'), 3);
    const { jobId } = await call<{ jobId: number }>('startImport', { path: voc, layout: 'voc', masks: 'current' });
    await importFinished(jobId);
    host.current()!.addClass('Umbrella'); // a class the demo model has no output for
  });

  it('inspects the demo ONNX model against the project: classes missing and extra, executor, layers', async () => {
    const info = await call<ModelInspection>('inspectModel', DEMO_ONNX);
    const modelClasses = readFileSync(path.join(DEMO, 'model', 'classes.txt'), 'utf8').trim().split('\n');
    const projectClasses = host.current()!.listClasses().map((c) => c.name);
    expect(info).toMatchObject({ path: DEMO_ONNX, name: 'classifier.onnx', format: 'onnx', inputSize: [128, 128], classesFile: path.join(DEMO, 'model', 'classes.txt'), executor: 'onnxruntime', addedAs: null });
    expect(info.classes).toEqual(modelClasses);
    expect(info.missing).toEqual(['Umbrella']);
    expect(info.extra).toEqual(modelClasses.filter((c) => !projectClasses.includes(c)));
    expect(info.preprocess).toMatchObject({ channels: 'RGB', output: 'sigmoid', source: expect.stringContaining('preprocess.json') });
    expect(info.layers.map((l) => [l.name, l.shape.slice(0, 2)])).toEqual([
      ['layer1', [32, 32]],
      ['layer2', [16, 16]],
      ['layer3', [8, 8]],
      ['layer4', [4, 4]],
    ]);
    expect(info.layers[1].tensor).toMatch(/layer2/);
    expect(info.bytes).toBe(readFileSync(DEMO_ONNX).length);
    // nothing was added
    expect(await call('listModels')).toEqual([]);
  });

  it('tries the model on a project image before adding it: a normalised layer2 map of a tagged class', async () => {
    const img = host.current()!.listImages({ offset: 0, limit: 1 }).items[0];
    const tagged = img.tags.map((t) => host.current()!.listClasses().find((c) => c.index === t)!.name);
    const r = await call<TryModelResult>('tryModel', { path: DEMO_ONNX, imageId: img.id, layer: 'layer2' });
    expect(r).toMatchObject({ imageId: img.id, layer: 'layer2', executor: expect.stringMatching(/^onnxruntime/) });
    expect(r.map.width * r.map.height).toBe(256);
    expect(Math.max(...r.map.values)).toBe(1);
    expect(Math.min(...r.map.values)).toBe(0);
    expect(r.target.tagged).toBe(true);
    expect(tagged).toContain(r.target.name);
    expect(r.top).toHaveLength(5);
    for (let k = 1; k < r.top.length; k++) expect(r.top[k - 1].probability).toBeGreaterThanOrEqual(r.top[k].probability);
    expect(await call('listModels')).toEqual([]);
  }, 60_000);

  it('adds, chooses the active model, removes; refusals name the file and the field or node', async () => {
    const onnx = await call<ModelSummary>('addModel', DEMO_ONNX);
    expect(onnx).toMatchObject({ name: 'classifier.onnx', active: true, inputSize: [128, 128] });
    expect(onnx.layers.find((l) => l.name === 'layer2')?.shape.slice(0, 2)).toEqual([16, 16]);
    const tfjs = await call<ModelSummary>('addModel', path.join(DEMO, 'model', 'tfjs', 'model.json'));
    expect((await call<ModelSummary[]>('listModels')).map((m) => [m.name, m.active])).toEqual([
      ['classifier.onnx', false],
      ['tfjs/model.json', true],
    ]);
    expect((await call<ModelInspection>('inspectModel', DEMO_ONNX)).addedAs).toBe(onnx.id);
    await call('setActiveModel', onnx.id);
    expect((await call<ModelSummary[]>('listModels')).map((m) => m.active)).toEqual([true, false]);
    await call('removeModel', onnx.id);
    expect((await call<ModelSummary[]>('listModels')).map((m) => [m.id, m.active])).toEqual([[tfjs.id, true]]);
    expect((await refused('removeModel', 999)).message).toBe('model 999 is not in this project');
    expect(events.filter((e) => e.name === 'project.changed' && (e.payload as { reason: string }).reason === 'model')).toHaveLength(4);

    // a folder, a class list that does not fit, no class list, a node the engine can't take
    expect((await refused('addModel', path.join(DEMO, 'model'))).message).toBe(`addModel: ${path.join(DEMO, 'model')} is a folder; choose the model file (an .onnx file, or a TF.js model.json)`);
    const bad = path.join(tmp.dir, 'bad-model');
    mkdirSync(bad);
    copyFileSync(DEMO_ONNX, path.join(bad, 'net.onnx'));
    writeFileSync(path.join(bad, 'classes.txt'), 'a\nb\nc\n');
    expect((await refused('inspectModel', path.join(bad, 'net.onnx'))).message).toBe(
      `${path.join(bad, 'classes.txt')}: 3 class names for a model with 10 outputs (${path.join(bad, 'net.onnx')}); the list must name every output, in order`,
    );
    const lonely = path.join(tmp.dir, 'lonely');
    mkdirSync(lonely);
    copyFileSync(DEMO_ONNX, path.join(lonely, 'net.onnx'));
    expect((await refused('addModel', path.join(lonely, 'net.onnx'))).message).toBe(`${path.join(lonely, 'net.onnx')}: no class list; put classes.txt (one name per line, in output order) beside the model`);
    const attn = path.join(bad, 'attn.onnx');
    writeFileSync(
      attn,
      buildModelBytes({ nodes: [makeNode('Attention', ['x'], ['y'], '/blocks.0/attn/Attention')], initializers: [], inputs: [tensorValueInfo('x', ['N', 3, 8, 8])], outputs: [tensorValueInfo('y', ['N', 3, 8, 8])] }),
    );
    expect((await refused('inspectModel', attn)).message).toMatch(/attn\.onnx: node "\/blocks\.0\/attn\/Attention" \(Attention\): unsupported op type Attention/);
    expect((await call<ModelSummary[]>('listModels')).length).toBe(1);
  }, 60_000);
});

describe('generation and a project switch', () => {
  it('refuses the switch while a generation job runs; after it finishes every mask is there', async () => {
    await call('createProject', { name: 'Gen', parent: tmp.dir, folder: 'gen' });
    const data = demoSubset(path.join(tmp.dir, 'gen-data'), 3);
    await importFinished((await call<{ jobId: number }>('startImport', { path: data, layout: 'voc', masks: 'current' })).jobId);
    await call('addModel', DEMO_ONNX);
    await call('createProject', { name: 'Elsewhere', parent: tmp.dir, folder: 'elsewhere' });
    await call('openProject', path.join(tmp.dir, 'gen'));

    const { jobId } = await call<{ jobId: number }>('startGeneration', { method: 'rcam', layer: 'layer2', mask: { bg: 0.3, ignoreBand: 0, minArea: 0, fillHoles: false }, selection: { kind: 'all' } });
    const err = await refused('openProject', path.join(tmp.dir, 'elsewhere'));
    expect(err.message).toMatch(new RegExp(`^cannot open another project: a generation job \\(job ${jobId}, \\d+ of \\d+ images\\) is running in Gen;`));
    expect((await refused('removeModel', 1)).message).toMatch(/^removeModel: a generation job/);
    for (;;) {
      if (events.some((e) => e.name === 'job.finished' && (e.payload as { jobId: number }).jobId === jobId)) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    await call('openProject', path.join(tmp.dir, 'elsewhere'));
    const gen = openProject(path.join(tmp.dir, 'gen'));
    try {
      expect(gen.info().masks).toBe(3);
    } finally {
      gen.close();
    }
  }, 120_000);
});

