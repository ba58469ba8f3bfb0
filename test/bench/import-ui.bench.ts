// `npm run bench -- import-ui [--count N]`: does a 10 000-image import freeze the page? A
// synthetic VOC folder (the import bench's) is imported into a served project while the
// page shows the grid with the import wizard open on its progress (what a person sees), in
// Debian's Chromium. Measured in the page, first idle for a few seconds (the baseline, same
// run), then for the whole import: frame intervals (requestAnimationFrame), long tasks
// (> 50 ms), and the round trip of an API call made every 200 ms (the server answering the
// page while it imports), and the server's event-loop delay (what makes that round trip
// slow: the server's own work, or a CPU shared with other processes). Prints a table with
// the import's numbers against the baseline.
// Headless Chromium with --disable-gpu: frame numbers include software paint.
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { createProject } from '../../src/project/index.ts';
import { serveProject } from '../../src/server/session.ts';
import { launchChromium } from '../helpers/browser.ts';
import { generate } from './import.bench.ts';

const IDLE_MS = 4000;

/** Starts recording in the page; `window.__stopMonitor()` returns what was recorded. */
const MONITOR = `(() => {
  const gaps = [];
  const long = [];
  const rtt = [];
  const obs = new PerformanceObserver((l) => l.getEntries().forEach((e) => long.push(e.duration)));
  obs.observe({ entryTypes: ['longtask'] });
  let on = true;
  let last = performance.now();
  const tick = () => {
    const t = performance.now();
    gaps.push(t - last);
    last = t;
    if (on) requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
  const token = sessionStorage.getItem('relevance-studio.token') ?? '';
  const probe = setInterval(async () => {
    const t = performance.now();
    await fetch('/api/projectInfo', { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Studio-Token': token }, body: '[]' });
    rtt.push(performance.now() - t);
  }, 200);
  window.__stopMonitor = () => {
    on = false;
    clearInterval(probe);
    obs.disconnect();
    return { gaps: gaps.slice(1), long, rtt };
  };
})()`;

interface Recording {
  gaps: number[];
  long: number[];
  rtt: number[];
}

function pct(xs: number[], p: number): number {
  if (!xs.length) return 0;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

async function record(page: Page, during: () => Promise<void>): Promise<Recording & { loop: IntervalHistogram }> {
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  await page.evaluate(MONITOR);
  await during();
  loop.disable();
  return { ...((await page.evaluate('window.__stopMonitor()')) as Recording), loop };
}

export async function run(args: string[]): Promise<void> {
  const at = args.indexOf('--count');
  const count = at >= 0 ? Number(args[at + 1]) : 10_000;
  const root = mkdtempSync(join(tmpdir(), 'bench-import-ui-'));
  const browser = await launchChromium();
  try {
    const data = join(root, 'VOC');
    process.stderr.write(`  generating ${count} images…\n`);
    await generate(data, count);
    const served = await serveProject(createProject(join(root, 'project'), { name: 'import bench' }), { dataDir: null });
    try {
      const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
      await page.goto(served.server.url);
      await page.getByTestId('image-grid').waitFor();

      const idle = await record(page, () => page.waitForTimeout(IDLE_MS));

      let seconds = 0;
      let events = 0;
      const off = served.bus.subscribe((name) => {
        if (name === 'import.progress') events++;
      });
      const during = await record(page, async () => {
        const t0 = performance.now();
        const { jobId } = await served.host.api.startImport({ path: data, layout: 'voc', masks: 'current' });
        // the wizard, open on the running import (as after "Import" in the header)
        await page.getByTestId('open-import').click();
        await page.getByTestId('import-progress').waitFor();
        for (;;) {
          const s = await served.host.api.importStatus();
          if (s && s.jobId === jobId && s.state !== 'running') break;
          await new Promise((r) => setTimeout(r, 100));
        }
        seconds = (performance.now() - t0) / 1000;
        await page.locator('[data-testid="import-progress"][data-state="done"]').waitFor({ timeout: 30_000 });
      });
      off();
      const shown = await page.getByTestId('result-count').textContent();

      const rows: [string, string, string, string][] = [
        ['frame interval p50 (ms)', pct(idle.gaps, 50).toFixed(1), pct(during.gaps, 50).toFixed(1), ''],
        ['frame interval p99 (ms)', pct(idle.gaps, 99).toFixed(1), pct(during.gaps, 99).toFixed(1), ''],
        ['longest frame interval (ms)', Math.max(...idle.gaps).toFixed(0), Math.max(...during.gaps).toFixed(0), ''],
        ['long tasks (> 50 ms)', String(idle.long.length), String(during.long.length), ''],
        ['longest task (ms)', Math.max(0, ...idle.long).toFixed(0), Math.max(0, ...during.long).toFixed(0), ''],
        ['API round trip p50 (ms)', pct(idle.rtt, 50).toFixed(1), pct(during.rtt, 50).toFixed(1), ''],
        ['API round trip p95 (ms)', pct(idle.rtt, 95).toFixed(1), pct(during.rtt, 95).toFixed(1), ''],
        ['API round trip max (ms)', Math.max(...idle.rtt).toFixed(0), Math.max(...during.rtt).toFixed(0), ''],
        ['server event-loop delay p50 (ms)', (idle.loop.percentile(50) / 1e6).toFixed(1), (during.loop.percentile(50) / 1e6).toFixed(1), ''],
        ['server event-loop delay p99 (ms)', (idle.loop.percentile(99) / 1e6).toFixed(1), (during.loop.percentile(99) / 1e6).toFixed(1), ''],
        ['server event-loop delay max (ms)', (idle.loop.max / 1e6).toFixed(0), (during.loop.max / 1e6).toFixed(0), ''],
      ];
      for (const r of rows) {
        const a = Number(r[1]);
        const b = Number(r[2]);
        r[3] = a > 0 ? `${(b / a).toFixed(2)}×` : '—';
      }
      const w = Math.max(...rows.map((r) => r[0].length));
      console.log(`import of ${count} images (VOC, thumbnails) while the page shows the grid and the wizard; Chromium headless, no GPU\n`);
      console.log(`| ${'measure'.padEnd(w)} | idle (baseline) | during import | ratio |`);
      console.log(`| ${'-'.repeat(w)} | --------------- | ------------- | ----- |`);
      for (const r of rows) console.log(`| ${r[0].padEnd(w)} | ${r[1].padStart(15)} | ${r[2].padStart(13)} | ${r[3].padStart(5)} |`);
      console.log(`\nload average at the end: ${loadavg().map((l) => l.toFixed(1)).join(' ')} on ${availableParallelism()} cores`);
      console.log(`import: ${seconds.toFixed(1)} s (${(count / seconds).toFixed(0)} images/s), ${events} progress events, ${during.gaps.length} frames recorded; the grid showed "${shown}" afterwards`);
    } finally {
      await served.close();
    }
  } finally {
    await browser.close();
    rmSync(root, { recursive: true, force: true });
  }
}
