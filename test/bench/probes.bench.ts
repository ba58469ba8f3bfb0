// `npm run bench -- probes [--url URL [--pid PID]] [--fuzz N] [--trials 20] [--export-images 2000]
// [--edits 1200] [--coco 10000,40000] [--csv-rows 1000000] [--no-round2]`: replays the hardening
// probes (WebSocket frames past the payload limit, a saveMask decompression bomb, a class
// name with a newline, export to /proc, label values that are no class, foreign Origins on
// POST and on the upgrade) and then a fuzz loop of N (default 1 000) malformed requests
// and frames against a served studio, and reports each probe's answer and time and the
// server's resident memory (start, peak, a few seconds after). Without --url it serves a
// throw-away project with `relevance-studio serve` and measures that process, then replays
// the round-2 probes that need processes of their own (probes/hardening.ts: concurrent
// exports, edits during a CLI generate, replaced image files, NaN model, stale run lock,
// deleted project folder, COCO and CSV scale); with --url (the printed URL, token included)
// it probes a studio that is already running, and reads its memory when --pid is given.
// Not a test: the numbers go in reports.
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { createProject } from '../../src/project/index.ts';
import { encodeLabelPng } from '../../src/project/png.ts';
import { fuzzer } from '../helpers/fuzz.ts';
import { writeJpeg } from '../helpers/images.ts';
import { launchStudio } from '../helpers/launch.ts';
import { bombPng } from '../helpers/png-bomb.ts';
import { concurrentExports, editsDuringGenerate, singleProbes } from './probes/hardening.ts';

function rssMb(pid: number | null): number | null {
  if (pid === null) return null;
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : null;
  } catch {
    return null;
  }
}

async function serveScratch(dir: string): Promise<{ url: string; child: ChildProcess }> {
  const data = join(dir, 'data');
  for (const [cls, n] of [['cat', 3], ['dog', 2]] as const) for (let i = 0; i < n; i++) await writeJpeg(join(data, cls, `${cls}${i}.jpg`), { width: 64, height: 48, seed: i + (cls === 'dog' ? 10 : 0) });
  const p = createProject(join(dir, 'proj'), { name: 'Probes' });
  await p.importDataset(data, { layout: 'folders' });
  p.close();
  const { child, url } = launchStudio(['serve', join(dir, 'proj'), '--no-open']);
  return { url: await url, child };
}

export async function run(args: string[]): Promise<void> {
  const flag = (name: string) => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const fuzzN = Number(flag('--fuzz') ?? 1000);
  const scratch = mkdtempSync(join(tmpdir(), 'studio-probes-'));
  let child: ChildProcess | null = null;
  try {
    let url = flag('--url');
    let pid = flag('--pid') ? Number(flag('--pid')) : null;
    if (!url) {
      const s = await serveScratch(scratch);
      url = s.url;
      child = s.child;
      pid = child.pid ?? null;
    }
    const u = new URL(url);
    const origin = u.origin;
    const token = u.searchParams.get('token')!;
    const port = Number(u.port);
    const alive = async () => {
      try {
        const r = await fetch(`${origin}/api/projectInfo`, { method: 'POST', headers: { 'X-Studio-Token': token }, body: '[]', signal: AbortSignal.timeout(10_000) });
        return r.status === 200;
      } catch {
        return false;
      }
    };
    const call = async (method: string, params: unknown[], headers: Record<string, string> = {}) => {
      const r = await fetch(`${origin}/api/${method}`, { method: 'POST', headers: { 'X-Studio-Token': token, 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(params) });
      const body = (await r.json()) as { ok: boolean; value?: unknown; error?: { message: string } };
      return { status: r.status, text: body.ok ? 'ok' : (body.error?.message ?? '') };
    };
    const upload = async (id: number, png: Uint8Array) => {
      const r = await fetch(`${origin}/api/saveMask`, { method: 'POST', headers: { 'X-Studio-Token': token, 'Content-Type': 'application/octet-stream', 'X-Studio-Params': JSON.stringify([id]) }, body: png as Uint8Array<ArrayBuffer> });
      const body = (await r.json()) as { ok: boolean; error?: { message: string } };
      return { status: r.status, text: body.ok ? 'ok' : (body.error?.message ?? '') };
    };
    const wsFrame = (size: number, headers: Record<string, string> = {}) =>
      new Promise<{ status: number; text: string }>((resolve) => {
        const ws = new WebSocket(`ws://127.0.0.1:${port}/events?token=${token}`, { headers });
        ws.on('unexpected-response', (_q, res) => resolve({ status: res.statusCode ?? 0, text: 'upgrade refused' }));
        ws.on('error', () => undefined);
        ws.on('open', () => {
          ws.send(Buffer.alloc(size, 0x41));
          const t = setTimeout(() => {
            ws.terminate();
            resolve({ status: 101, text: 'frame accepted, socket open' });
          }, 300);
          ws.on('close', (code) => {
            clearTimeout(t);
            resolve({ status: 101, text: `socket closed with ${code}` });
          });
        });
      });

    const img = (await (await fetch(`${origin}/api/getImage`, { method: 'POST', headers: { 'X-Studio-Token': token }, body: '[1]' })).json()) as { value: { width: number; height: number } };
    const { width: w, height: h } = img.value;
    const badLabels = new Uint8Array(w * h).fill(1);
    badLabels[0] = 200;
    const bomb = await bombPng();
    const probes: [string, () => Promise<{ status: number; text: string }>][] = [
      ['ws frame 5000 B', () => wsFrame(5000)],
      ['ws frame 70 KB (over maxPayload)', () => wsFrame(70 << 10)],
      ['ws upgrade, foreign Origin', () => wsFrame(10, { Origin: 'http://evil.example' })],
      [`saveMask bomb (${(bomb.length / 1024).toFixed(0)} KB declaring 20000x20000)`, () => upload(1, bomb)],
      ['saveMask label value 200', () => upload(1, encodeLabelPng(badLabels, w, h))],
      ['updateClass name with newline', () => call('updateClass', [1, { name: 'cat\nbackground' }])],
      ['exportProject to /proc/x', () => call('exportProject', [{ format: 'voc', out: '/proc/x', approvedOnly: false, split: null, overwrite: true, copyImages: false, minArea: 0 }])],
      ['POST, foreign Origin', () => call('projectInfo', [], { Origin: 'http://evil.example' })],
    ];
    console.log('| probe | answer | ms | server alive | RSS MB after |');
    console.log('|---|---|---:|---|---:|');
    for (const [name, probe] of probes) {
      const t0 = performance.now();
      const r = await probe();
      const ms = performance.now() - t0;
      console.log(`| ${name} | ${r.status} ${r.text.replace(/\|/g, '\\|').slice(0, 110)} | ${ms.toFixed(0)} | ${(await alive()) ? 'yes' : 'NO'} | ${rssMb(pid)?.toFixed(0) ?? '-'} |`);
    }

    const start = rssMb(pid);
    let peak = start ?? 0;
    const sampler = setInterval(() => (peak = Math.max(peak, rssMb(pid) ?? 0)), 100);
    const t0 = performance.now();
    const tally = await fuzzer(Number(flag('--seed') ?? 1)).run({ origin, token, scratch, ...(child ? { dataset: join(scratch, 'data') } : {}) }, fuzzN);
    const secs = (performance.now() - t0) / 1000;
    clearInterval(sampler);
    await new Promise((r) => setTimeout(r, 3000));
    const end = rssMb(pid);
    console.log(`\nfuzz: ${tally.http} HTTP requests + ${tally.ws} WebSocket sessions in ${secs.toFixed(1)} s; statuses ${JSON.stringify(tally.statuses)}; resets ${tally.resets}; server alive afterwards: ${(await alive()) ? 'yes' : 'NO'}`);
    if (start !== null && end !== null) {
      const delta = end - start;
      console.log(`server RSS: start ${start.toFixed(0)} MB, peak ${peak.toFixed(0)} MB, 3 s after ${end.toFixed(0)} MB (${delta >= 0 ? '+' : ''}${delta.toFixed(0)} MB; goal: within 50 MB → ${Math.abs(delta) <= 50 ? 'met' : 'NOT met'})`);
    } else {
      console.log('server RSS: not measured (pass --pid PID of the served studio)');
    }
    if (child && !args.includes('--no-round2')) {
      const [c1, c2] = (flag('--coco') ?? '10000,40000').split(',').map(Number);
      await concurrentExports(scratch, Number(flag('--trials') ?? 20), Number(flag('--export-images') ?? 2000));
      await editsDuringGenerate(scratch, Number(flag('--edits') ?? 1200));
      await singleProbes(scratch, [c1, c2], Number(flag('--csv-rows') ?? 1_000_000));
    }
  } finally {
    child?.kill('SIGTERM');
    rmSync(scratch, { recursive: true, force: true });
  }
}
