// The CLI end to end: `generate` killed with SIGKILL in a real child process and run again
// finishes exactly the images not done, with the masks of an uninterrupted run; sharded
// runs into their own folders merge back with human work untouched; rollback; model add.
import { DEFAULT_AUTO_BACKGROUND, DEFAULT_REFINE_PRESET, REFINE_PRESETS } from '../../../src/masks/refine/index.ts';
import { spawn } from 'node:child_process';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../../src/cli/main.ts';
import { encodeLabelPng } from '../../../src/project/png.ts';
import { openProject, type Project } from '../../../src/project/index.ts';
import { startJob } from '../../../src/jobs/index.ts';
import { tempDir } from '../../helpers/images.ts';
import { copyProject, currentMasks, DEMO_MODEL, demoProject, ROOT } from './fixture.ts';

let tmp: ReturnType<typeof tempDir>;
const open: Project[] = [];
beforeEach(() => {
  tmp = tempDir('jobs-cli-');
});
afterEach(() => {
  vi.restoreAllMocks();
  for (const p of open.splice(0)) p.close();
  tmp.cleanup();
});

function cli(args: string[]): { child: ReturnType<typeof spawn>; exit: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> } {
  const child = spawn(process.execPath, [path.join(ROOT, 'bin', 'relevance-studio.mjs'), ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  return { child, exit };
}

/** runs the CLI in this process, capturing what it prints */
async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const log = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void (out += a.join(' ') + '\n'));
  const error = vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void (err += a.join(' ') + '\n'));
  const so = vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => ((out += String(s)), true));
  const se = vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => ((err += String(s)), true));
  try {
    const code = await main(argv);
    return { code, out, err };
  } finally {
    for (const s of [log, error, so, se]) s.mockRestore();
  }
}

describe('generate in a child process', () => {
  it('killed with SIGKILL mid-job (2 workers), a second run finishes exactly the rest: masks equal an uninterrupted in-process run, none twice', async () => {
    const n = 24;
    const p = await demoProject(tmp.dir, n);
    p.close();
    const dir = path.join(tmp.dir, 'proj');
    const ref = copyProject(dir, path.join(tmp.dir, 'ref'));
    open.push(ref);
    // multi-scale makes every image ~8 forwards: a wide window to kill in; two workers, each
    // running whole images (the default chain included), so the kill lands mid-pipeline
    const args = ['generate', dir, '--workers', '2', '--multiscale', '--every', '1'];
    const first = cli(args);
    const db = new Database(path.join(dir, 'project.sqlite'), { readonly: true, fileMustExist: true });
    let doneAtKill = 0;
    try {
      for (;;) {
        const row = db.prepare("SELECT count(*) AS n FROM job_items WHERE state = 'done'").get() as { n: number } | undefined;
        if ((row?.n ?? 0) >= 3) {
          first.child.kill('SIGKILL');
          break;
        }
        await new Promise((r) => setTimeout(r, 15));
      }
    } catch (e) {
      first.child.kill('SIGKILL');
      throw e;
    } finally {
      db.close();
    }
    const killed = await first.exit;
    expect(killed.signal).toBe('SIGKILL');
    const mid = openProject(dir);
    doneAtKill = mid.jobItems.counts(1).done;
    expect(mid.jobs.get(1).status).toBe('running'); // the dead process never closed the job
    mid.close();
    expect(doneAtKill).toBeGreaterThanOrEqual(3);
    expect(doneAtKill).toBeLessThan(n);

    const second = cli(args);
    const res = await second.exit;
    expect(res.code, res.stderr).toBe(0);
    const summary = JSON.parse(res.stdout.trim().split('\n').at(-1)!) as { event: string; jobId: number; resumed: boolean; processed: number; done: number };
    expect(summary).toMatchObject({ event: 'summary', jobId: 1, resumed: true, processed: n - doneAtKill, done: n });

    await startJob(ref, { multiScale: true }, { workers: 0 }).done;
    const q = openProject(dir);
    open.push(q);
    expect(q.jobs.list()).toHaveLength(1);
    expect(q.jobItems.counts(1)).toMatchObject({ done: n, pending: 0, failed: 0 });
    for (const img of q.images.all()) expect(q.masks.versions(img.id)).toHaveLength(1);
    expect(currentMasks(q)).toEqual(currentMasks(ref));
  }, 240_000); // two CLI runs of 24 multi-scale images: ~8 s here when quiet, past 60 s beside a CPU hog
});

describe('generate/merge/rollback/model commands', () => {
  it('shards run into their own folders cover the set once and merge back; human work stays; rollback restores', async () => {
    const p = await demoProject(tmp.dir, 9);
    const edited = [...p.images.all()][4];
    const human = encodeLabelPng(new Uint8Array(edited.width * edited.height).fill(2), edited.width, edited.height);
    p.saveMask(edited.id, human, { source: 'edited' });
    p.close();
    const dir = path.join(tmp.dir, 'proj');
    const ref = copyProject(dir, path.join(tmp.dir, 'ref'));
    open.push(ref);
    await startJob(ref, { mask: { bg: 0.3 } }, { workers: 0 }).done;

    const shards = [0, 1, 2].map((i) => path.join(tmp.dir, `shard${i}`));
    for (const [i, s] of shards.entries()) {
      const r = await run('generate', dir, '--bg', '0.3', '--workers', '0', '--shard', `${i}/3`, '--into', s);
      expect(r.code, r.err).toBe(0);
      expect(r.err).toContain(`shard ${i}/3: 3 of 9 images`);
    }
    // the shard projects hold disjoint slices that cover the selection
    const names = shards.flatMap((s) => {
      const q = openProject(s);
      const list = [...q.images.all()].map((i) => i.name);
      q.close();
      return list;
    });
    expect(names.sort()).toEqual([...ref.images.all()].map((i) => i.name).sort());

    const m = await run('merge', dir, ...shards);
    expect(m.code, m.err).toBe(0);
    expect(m.out).toContain('merged 3 shards into job 1: 9 images merged, 0 failed, 0 already done');
    expect(m.out).toContain('1 kept as non-current versions');
    const again = await run('merge', dir, shards[0]);
    expect(again.out).toContain('0 images merged, 0 failed, 3 already done');

    const q = openProject(dir);
    const merged = currentMasks(q);
    const want = currentMasks(ref);
    want.set(edited.name, Buffer.from(human).toString('base64'));
    expect(merged).toEqual(want);
    expect(q.jobs.get(1).status).toBe('done');
    q.close();

    const rb = await run('rollback', dir, '1');
    expect(rb.code, rb.err).toBe(0);
    expect(rb.out).toContain('rolled back job 1: 9 mask versions removed, 8 images back to their previous mask');
    const after = openProject(dir);
    open.push(after);
    for (const img of after.images.all()) {
      if (img.id === edited.id) expect(Buffer.from(after.masks.current(img.id)!.png)).toEqual(Buffer.from(human));
      else expect(after.masks.current(img.id)).toBeNull();
    }
  });

  it('generate --rethreshold rebuilds the latest finished job\'s masks from stored CAMs; a rerun has nothing to do', async () => {
    const p = await demoProject(tmp.dir, 3);
    p.close();
    const dir = path.join(tmp.dir, 'proj');
    expect((await run('generate', dir, '--workers', '0')).code).toBe(0);
    const r = await run('generate', dir, '--rethreshold', '--bg', '0.4', '--refine', 'none');
    expect(r.code, r.err).toBe(0);
    const summary = JSON.parse(r.out.trim().split('\n').at(-1)!);
    expect(summary).toMatchObject({ event: 'summary', kind: 'rethreshold', jobId: 2, done: 3, failed: 0, processed: 3 });
    const again = await run('generate', dir, '--rethreshold', '--bg', '0.4', '--refine', 'none');
    expect(JSON.parse(again.out.trim().split('\n').at(-1)!)).toMatchObject({ jobId: 2, resumed: true, processed: 0 });
    const q = openProject(dir);
    open.push(q);
    for (const img of q.images.all()) {
      expect(q.masks.current(img.id)!.version.provenance).toMatchObject({ jobId: 2, thresholds: { bg: 0.4 } });
      // --refine none: the raw CAMs' mask, where job 1 used the default chain
      expect(q.masks.current(img.id)!.version.provenance.refine).toBeUndefined();
      expect(q.masks.version(q.masks.versions(img.id).find((v) => v.provenance.jobId === 1)!.id)!.provenance.refine?.settings).toEqual(REFINE_PRESETS[DEFAULT_REFINE_PRESET]);
    }

    // `jobs` lists both, with what they ran and how far they got; rollback shows up there
    const listed = await run('jobs', dir, '--json');
    expect(listed.code, listed.err).toBe(0);
    const lines = JSON.parse(listed.out) as { id: number; kind: string; status: string; total: number; done: number; what: string; rolledBackAt: string | null }[];
    expect(lines.map((l) => [l.id, l.kind, l.status, l.total, l.done])).toEqual([
      [1, 'generate', 'done', 3, 3],
      [2, 'rethreshold', 'done', 3, 3],
    ]);
    // job 1 ran without --bg: τ_bg chosen per image
    expect(lines[0].what).toBe(`model 1 (${path.basename(q.models.list()[0].file)}), rcam @ layer2 τ_bg auto (×${DEFAULT_AUTO_BACKGROUND.factor}), refine ${DEFAULT_REFINE_PRESET}`);
    expect(lines[1].what).toBe('re-threshold of job 1, rcam @ layer2 τ_bg 0.4');
    expect(lines.every((l) => l.rolledBackAt === null)).toBe(true);
    q.close();
    open.pop();
    expect((await run('rollback', dir, '2')).code).toBe(0);
    const text = await run('jobs', dir);
    expect(text.out.trim().split('\n')).toHaveLength(2);
    expect(text.out).toMatch(/^job 1 {2}generate {2}done {2}\S+ \S+ {2}3\/3 done {2}— {2}model 1 /m);
    expect(text.out).toMatch(/^job 2 {2}rethreshold {2}rolled back \S+ \S+ {2}/m);
    expect((await run('jobs', path.join(tmp.dir, 'nowhere'))).code).not.toBe(0);
  });

  it('model add / list, and one-line errors for a model that does not fit', async () => {
    const dir = path.join(tmp.dir, 'p');
    expect((await run('init', dir)).code).toBe(0);
    const bad = await run('model', 'add', dir, DEMO_MODEL, '--layer', 'nope');
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/relevance-studio model: layer "nope" not found/);
    const ok = await run('model', 'add', dir, DEMO_MODEL);
    expect(ok.code, ok.err).toBe(0);
    expect(ok.out).toContain('registered model 1 (tfjs-layers)');
    expect(ok.out).toContain('new project classes (the project lacked them): T-shirt/top, Trouser');
    expect(ok.out).toContain('layer layer2 → conv3_block2_out (16×16×32)');
    const list = await run('model', 'list', dir, '--json');
    expect(JSON.parse(list.out)).toMatchObject([{ id: 1, format: 'tfjs-layers', classNames: expect.arrayContaining(['Bag']) }]);
    const none = await run('generate', path.join(tmp.dir, 'nothing'));
    expect(none.code).toBe(1);
  });
});
