// Two exports into one folder, from two processes: the folder's lock lets one write at a
// time, the other is refused in one line (BUSY) and removes nothing of the first's; a
// lock whose holder is gone (killed, or a pid that now belongs to another process) is
// taken over; and real CLI exports started side by side (CLI + CLI, served studio + CLI)
// never leave a folder marked complete with a file missing.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EXPORT_MARKER, exportProject } from '../../../src/export/index.ts';
import { EXPORT_LOCK } from '../../../src/export/bookkeeping.ts';
import { thisProcess } from '../../../src/fs/process-identity.ts';
import { openProject } from '../../../src/project/index.ts';
import { TOKEN_HEADER } from '../../../src/server/auth.ts';
import { tempDir } from '../../helpers/images.ts';
import { labelledProject, makeFixture, type Fixture } from './fixture.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const BIN = join(ROOT, 'bin/relevance-studio.mjs');

let tmp: ReturnType<typeof tempDir>;
const children: ChildProcess[] = [];
beforeEach(() => {
  tmp = tempDir('studio-export-concurrent-');
});
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  tmp.cleanup();
});

function run(args: string[], opts: { stdin?: boolean } = {}): { child: ChildProcess; out: () => string; err: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, RS_SKIP_RENDERER_BUILD: '1', DISPLAY: '', WAYLAND_DISPLAY: '' }, stdio: [opts.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return { child, out: () => out, err: () => err, exited };
}

async function waitFor(read: () => string, text: string, exited: Promise<unknown>): Promise<string> {
  const gone = exited.then(() => 'exited');
  for (;;) {
    if (read().includes(text)) return read();
    if ((await Promise.race([gone, new Promise((r) => setTimeout(r, 20, 'tick'))])) === 'exited' && !read().includes(text)) throw new Error(`exited before '${text}': ${read()}`);
  }
}

/** A VOC export folder marked complete must hold a mask for every image its lists name. */
function completeAndWhole(out: string): { complete: boolean; images: number; missing: string[] } {
  if (!existsSync(join(out, EXPORT_MARKER))) return { complete: false, images: 0, missing: [] };
  const marker = JSON.parse(readFileSync(join(out, EXPORT_MARKER), 'utf8')) as { complete: boolean; images: number };
  const sets = join(out, 'ImageSets', 'Segmentation');
  const listed = readdirSync(sets)
    .filter((f) => f !== 'trainval.txt')
    .flatMap((f) => readFileSync(join(sets, f), 'utf8').split('\n').filter(Boolean));
  const pngs = new Set(readdirSync(join(out, 'SegmentationClass')));
  return { complete: marker.complete, images: marker.images, missing: listed.filter((s) => !pngs.has(`${s}.png`)) };
}

describe('two exports into one folder', () => {
  let fx: Fixture;
  beforeEach(async () => {
    fx = await makeFixture(tmp.dir);
  });
  afterEach(() => fx.p.close());

  it('the second is refused in one line while the first writes, and the first still completes whole', async () => {
    const out = join(tmp.dir, 'out');
    const holder = run(['--import', 'tsx', join(ROOT, 'test/helpers/hold-export-stage.ts'), fx.p.dir, out], { stdin: true });
    const staged = (await waitFor(holder.out, 'staged ', holder.exited)).split('staged ')[1].trim();
    const busy = new RegExp(`^export: another export is writing into ${out} \\(pid ${holder.child.pid} on ${os.hostname()}, since [0-9T:.Z-]+\\); wait for it to finish`);
    await expect(exportProject(fx.p, { format: 'voc', out })).rejects.toMatchObject({ code: 'BUSY', message: expect.stringMatching(busy) });
    await expect(exportProject(fx.p, { format: 'voc', out, overwrite: true })).rejects.toThrow(busy);
    // nothing of the first export's was removed
    expect(readdirSync(join(staged, 'SegmentationClass'))).toEqual(['held.png']);

    holder.child.stdin!.end();
    expect(await holder.exited).toBe(0);
    expect(holder.out()).toContain('committed');
    expect(JSON.parse(readFileSync(join(out, EXPORT_MARKER), 'utf8'))).toMatchObject({ complete: true, images: 1, files: 2 });
    expect(readdirSync(out).sort()).toEqual([EXPORT_MARKER, 'SegmentationClass', 'classes.txt']);

    // the folder is free again: an overwrite replaces the held export's files
    const rep = await exportProject(fx.p, { format: 'voc', out, overwrite: true });
    expect(completeAndWhole(out)).toEqual({ complete: true, images: rep.images, missing: [] });
    expect(readdirSync(join(out, 'SegmentationClass')).sort()).toEqual(['b.png', 'cat__a.png', 'dog__a.png']);
  });

  it('takes over a lock whose holder is gone: killed with -9, or a pid that now belongs to another process', async () => {
    const out = join(tmp.dir, 'out');
    const holder = run(['--import', 'tsx', join(ROOT, 'test/helpers/hold-export-stage.ts'), fx.p.dir, out], { stdin: true });
    await waitFor(holder.out, 'staged ', holder.exited);
    holder.child.kill('SIGKILL');
    await holder.exited;
    expect(readdirSync(out).filter((n) => n.startsWith('.relevance-studio-partial-'))).toHaveLength(1);
    expect((await exportProject(fx.p, { format: 'voc', out })).images).toBe(3);
    expect(readdirSync(out).filter((n) => n.startsWith('.relevance-studio'))).toEqual([EXPORT_MARKER]); // the dead export's stage and lock cleared

    // pid 1 lives, but it is not the process that took the lock (another start time)
    const me = thisProcess();
    writeFileSync(join(out, EXPORT_LOCK), JSON.stringify({ pid: 1, host: me.host, boot: me.boot, start: '1', since: '2020-01-01T00:00:00.000Z', tag: 'x' }));
    expect((await exportProject(fx.p, { format: 'voc', out, overwrite: true })).images).toBe(3);
    expect(existsSync(join(out, EXPORT_LOCK))).toBe(false);
  });
});

describe('exports started side by side from real processes', () => {
  it('CLI + CLI and served studio + CLI: one finishes whole, the other is refused in one line or finishes whole', async () => {
    const p = await labelledProject(join(tmp.dir, 'big'), 40);
    const dir = p.dir;
    p.close();
    const cli = (out: string) => run([BIN, 'export', dir, '--format', 'voc', '--out', out]);
    const judge = async (out: string, answers: { code: number | null; text: string }[]) => {
      for (const a of answers) {
        if (a.code === 0) expect(a.text).toMatch(/exported 40 images/);
        else {
          expect(a.text.trim().split('\n')).toHaveLength(1); // one line, never a stack
          expect(a.text).toMatch(/another export is writing into|is not empty/);
        }
      }
      expect(answers.some((a) => a.code === 0)).toBe(true);
      expect(completeAndWhole(out)).toEqual({ complete: true, images: 40, missing: [] });
    };

    for (const [k, delay] of [0, 250].entries()) {
      const out = join(tmp.dir, `cli-${k}`);
      const a = cli(out);
      await new Promise((r) => setTimeout(r, delay));
      const b = cli(out);
      const codes = await Promise.all([a.exited, b.exited]);
      await judge(out, [
        { code: codes[0], text: codes[0] === 0 ? a.out() : a.err() },
        { code: codes[1], text: codes[1] === 0 ? b.out() : b.err() },
      ]);
    }

    const serve = run([BIN, 'serve', dir, '--no-open']);
    const url = new URL(/(http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+)/.exec(await waitFor(() => serve.out() + serve.err(), '?token=', serve.exited))![1]);
    const out = join(tmp.dir, 'served');
    const studio = fetch(`${url.origin}/api/exportProject`, {
      method: 'POST',
      headers: { [TOKEN_HEADER]: url.searchParams.get('token')!, 'Content-Type': 'application/json' },
      body: JSON.stringify([{ format: 'voc', out, approvedOnly: false, split: null, overwrite: false, copyImages: false, minArea: 0 }]),
    }).then(async (r) => (await r.json()) as { ok: boolean; value?: { images: number }; error?: { code: string; message: string } });
    const c = cli(out);
    const [answer, code] = await Promise.all([studio, c.exited]);
    await judge(out, [
      { code: answer.ok ? 0 : 1, text: answer.ok ? `exported ${answer.value!.images} images` : answer.error!.message },
      { code, text: code === 0 ? c.out() : c.err() },
    ]);
    const q = openProject(dir);
    expect(q.info().images).toBe(40);
    q.close();
  }, 300_000); // seven processes start here: on a loaded machine each takes seconds
});
