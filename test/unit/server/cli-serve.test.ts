// `serve` and `start` as a user runs them: a child process that prints its URL, answers
// with the token, and exits cleanly on SIGTERM. `start` makes the demo working copy in
// RS_DATA_DIR (never in demo/).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { openProject } from '../../../src/project/index.ts';
import { TOKEN_HEADER } from '../../../src/server/auth.ts';
import { tempDir } from '../../helpers/images.ts';
import { launchStudio, type Launched } from '../../helpers/launch.ts';
import { smallProject } from '../services/fixture.ts';

const BIN = fileURLToPath(new URL('../../../bin/relevance-studio.mjs', import.meta.url));
const DEMO = fileURLToPath(new URL('../../../demo', import.meta.url));
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

function launch(args: string[], env: Record<string, string> = {}): Launched {
  const launched = launchStudio(args, env);
  cleanups.push(() => launched.child.kill('SIGKILL'));
  return launched;
}

async function projectInfo(url: string): Promise<{ name: string; images: number }> {
  const u = new URL(url);
  const res = await fetch(`${u.origin}/api/projectInfo`, { method: 'POST', headers: { [TOKEN_HEADER]: u.searchParams.get('token')! }, body: '[]' });
  const body = (await res.json()) as { ok: true; value: { name: string; images: number } };
  return body.value;
}

function exitCode(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => child.on('exit', (code) => resolve(code)));
}

describe('serve', () => {
  it('serves a project on 127.0.0.1 with a token and stops on SIGTERM', async () => {
    const tp = await smallProject();
    const dir = tp.project.dir;
    tp.project.close();
    cleanups.push(tp.cleanup);
    const { child, url } = launch(['serve', dir, '--no-open']);
    const u = await url;
    expect(u).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=/);
    expect(await projectInfo(u)).toMatchObject({ name: 'Pets', images: 5 });
    const done = exitCode(child);
    child.kill('SIGTERM');
    expect(await done).toBe(0);
  });

  it('without a folder starts on the Projects home: no project open, every project method says so', async () => {
    const data = tempDir('studio-home-');
    cleanups.push(data.cleanup);
    const { child, url, out } = launch(['serve', '--no-open'], { RS_DATA_DIR: data.dir });
    const u = new URL(await url);
    expect(out()).toContain('serving the Projects home at');
    const post = async (method: string) => {
      const res = await fetch(`${u.origin}/api/${method}`, { method: 'POST', headers: { [TOKEN_HEADER]: u.searchParams.get('token')! }, body: '[]' });
      return { status: res.status, body: (await res.json()) as unknown };
    };
    expect(await post('currentProject')).toEqual({ status: 200, body: { ok: true, value: null } });
    expect(await post('projectInfo')).toEqual({ status: 404, body: { ok: false, error: { code: 'NOT_FOUND', message: 'no project is open; open or create one on the Projects home' } } });
    const done = exitCode(child);
    child.kill('SIGTERM');
    expect(await done).toBe(0);
  });

  it('fails with one line for a folder that is no project', async () => {
    const tmp = tempDir();
    cleanups.push(tmp.cleanup);
    const child = spawn(process.execPath, [BIN, 'serve', tmp.dir, '--no-open'], { env: { ...process.env, RS_SKIP_RENDERER_BUILD: '1' } });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    expect(await exitCode(child)).toBe(1);
    expect(err.trim().split('\n')).toHaveLength(1);
    expect(err).toContain('not a Relevance Studio project');
  });
});

describe('start', () => {
  it('makes the demo working copy in RS_DATA_DIR, serves it, and reuses it', async () => {
    const data = tempDir('studio-start-');
    cleanups.push(data.cleanup);
    const first = launch(['start', '--no-open'], { RS_DATA_DIR: data.dir });
    const info = await projectInfo(await first.url);
    expect(info.images).toBeGreaterThan(0);
    expect(existsSync(join(data.dir, 'demo', 'project.sqlite'))).toBe(true);
    expect(existsSync(join(DEMO, 'project.sqlite'))).toBe(false);
    expect(first.out()).toContain(join(data.dir, 'demo'));
    expect(first.out()).toContain('demo classifier registered');
    let done = exitCode(first.child);
    first.child.kill('SIGTERM');
    expect(await done).toBe(0);
    // the classifier is registered, the exact masks are kept as ground truth, and the
    // working masks start empty (they are what a newcomer generates)
    const copy = openProject(join(data.dir, 'demo'));
    try {
      expect(copy.models.list().map((m) => basename(m.file))).toEqual(['classifier.onnx']);
      expect(copy.info().masks).toBe(0);
      const img = copy.listImages({ offset: 0, limit: 1 }).items[0];
      expect(copy.groundTruthMask(img.id)?.version.groundTruth).toBe(true);
    } finally {
      copy.close();
    }

    const again = launch(['start', '--no-open'], { RS_DATA_DIR: data.dir });
    expect((await projectInfo(await again.url)).images).toBe(info.images);
    expect(again.out()).toContain('opening the demo project');
    done = exitCode(again.child);
    again.child.kill('SIGTERM');
    expect(await done).toBe(0);
  });
});
