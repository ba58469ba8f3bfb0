// The 'ids' selection (a grid selection sent to Generate): frozen as exactly those images,
// in id order, refused whole when an id is missing or there are too many, and the same
// set of ids (any order, duplicates) is the same job, so a second Start resumes it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StudioError } from '../../../src/contract/errors.ts';
import { createOrResume, generationParams } from '../../../src/jobs/create.ts';
import { selectImages } from '../../../src/jobs/selection.ts';
import type { Project } from '../../../src/project/index.ts';
import { GENERATION_VALIDATORS } from '../../../src/services/validate-generation.ts';
import { tempDir } from '../../helpers/images.ts';
import { demoProject } from './fixture.ts';

let tmp: ReturnType<typeof tempDir>;
let p: Project;
let all: number[];
beforeAll(async () => {
  tmp = tempDir('jobs-ids-');
  p = await demoProject(tmp.dir, 6);
  all = [...p.images.all()].map((i) => i.id);
});
afterAll(() => {
  p.close();
  tmp.cleanup();
});

const req = (selection: unknown) => [{ method: 'rcam', layer: 'layer2', mask: { bg: 0.4, ignoreBand: 0, minArea: 0, fillHoles: false }, selection }];

describe("generation selection { kind: 'ids' }", () => {
  it('freezes exactly the named images as job items, in id order, without duplicates', () => {
    const pick = [all[4], all[1], all[4], all[2]];
    expect(selectImages(p, { kind: 'ids', ids: pick })).toEqual([all[1], all[2], all[4]]);
    const params = generationParams(p, { selection: { kind: 'ids', ids: pick } });
    expect(params.selection).toEqual({ kind: 'ids', ids: [all[1], all[2], all[4]] });
    const { job, resumed } = createOrResume(p, params);
    expect(resumed).toBe(false);
    expect(p.jobItems.list(job.id).map((i) => i.imageId)).toEqual([all[1], all[2], all[4]]);
    // the same set in another order is the same frozen parameters: the job resumes
    const again = createOrResume(p, generationParams(p, { selection: { kind: 'ids', ids: [all[2], all[4], all[1]] } }));
    expect(again).toMatchObject({ resumed: true, job: { id: job.id } });
  });

  it('refuses ids that are not in the project, naming them, before any job exists', () => {
    const jobsBefore = p.db.prepare('SELECT count(*) AS n FROM jobs').get() as { n: number };
    const missing = Math.max(...all) + 7;
    let err: unknown;
    try {
      generationParams(p, { selection: { kind: 'ids', ids: [all[0], missing] } });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(StudioError);
    expect((err as StudioError).code).toBe('BAD_REQUEST');
    expect((err as Error).message).toContain(`image ${missing} is not in`);
    expect(() => selectImages(p, { kind: 'ids', ids: [missing, missing + 1] })).toThrow(`images ${missing}, ${missing + 1} are not in`);
    expect((p.db.prepare('SELECT count(*) AS n FROM jobs').get() as { n: number }).n).toBe(jobsBefore.n);
  });

  it('refuses an empty list, more than 100 000 ids, and ids that are not whole numbers ≥ 1', () => {
    expect(() => generationParams(p, { selection: { kind: 'ids', ids: [] } })).toThrow('at least one image id');
    const many = Array.from({ length: 100_001 }, (_, i) => i + 1);
    expect(() => generationParams(p, { selection: { kind: 'ids', ids: many } })).toThrow('at most 100000 image ids, got 100001');
    expect(() => generationParams(p, { selection: { kind: 'ids', ids: [1.5] } })).toThrow('whole numbers');
  });

  it('the startGeneration validator accepts ids and rejects bad shapes with the field named', () => {
    const v = GENERATION_VALIDATORS.startGeneration;
    expect(v(req({ kind: 'ids', ids: [3, 1] }))[0].selection).toEqual({ kind: 'ids', ids: [3, 1] });
    expect(() => v(req({ kind: 'ids', ids: [] }))).toThrow('selection.ids must be an array of 1..100000 image ids');
    expect(() => v(req({ kind: 'ids', ids: Array.from({ length: 100_001 }, (_, i) => i + 1) }))).toThrow('1..100000');
    expect(() => v(req({ kind: 'ids', ids: [1, 0] }))).toThrow('selection.ids[1] must be an integer');
    expect(() => v(req({ kind: 'ids', ids: [1], status: 'approved' }))).toThrow("selection 'ids' takes only ids");
    expect(() => v(req({ kind: 'all', ids: [1] }))).toThrow("selection 'all' takes no ids");
    expect(() => v(req({ kind: 'filter', ids: [1] }))).toThrow("selection 'filter' takes no ids");
  });
});
