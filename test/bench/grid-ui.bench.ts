// `npm run bench -- grid-ui [--rows N]`: the image grid on a project of N synthetic
// images (default 100 000) in Debian's Chromium. Prints the HTTP latency of a 200-row
// listImages page at several offsets, the frame intervals while the grid is scrolled by
// 1.5 screens per frame (what a fling does), long tasks (> 50 ms), DOM cards, and the time
// from a jump to a far position until that position's rows are on screen.
// Headless Chromium with --disable-gpu: frame numbers include software paint.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createProject } from '../../src/project/index.ts';
import { TOKEN_HEADER } from '../../src/server/auth.ts';
import { serveProject } from '../../src/server/session.ts';
import { tempDir } from '../helpers/images.ts';
import { launchChromium } from '../helpers/browser.ts';

const FLING = `(async () => {
  const el = document.querySelector('[data-testid="image-grid"]');
  const long = [];
  const obs = new PerformanceObserver((l) => l.getEntries().forEach((e) => long.push(e.duration)));
  obs.observe({ entryTypes: ['longtask'] });
  const deltas = [];
  let cards = 0;
  await new Promise((done) => {
    let last = performance.now();
    let n = 0;
    const step = () => {
      const t = performance.now();
      deltas.push(t - last);
      last = t;
      el.scrollTop += el.clientHeight * 1.5;
      cards = Math.max(cards, el.querySelectorAll('[data-index]').length);
      if (++n < 240 && el.scrollTop + el.clientHeight < el.scrollHeight) requestAnimationFrame(step);
      else done();
    };
    requestAnimationFrame(step);
  });
  obs.disconnect();
  return { deltas: deltas.slice(1), long, cards };
})()`;

/** Jumps to a fraction of the grid; resolves with the ms until a loaded card is on screen. */
const JUMP = `async (frac) => {
  const el = document.querySelector('[data-testid="image-grid"]');
  const t0 = performance.now();
  el.scrollTop = (el.scrollHeight - el.clientHeight) * frac;
  const top = el.scrollTop;
  for (;;) {
    await new Promise((r) => requestAnimationFrame(r));
    const hit = [...el.querySelectorAll('[data-testid="image-card"]')].some((c) => {
      const y = c.getBoundingClientRect().top - el.getBoundingClientRect().top;
      return y >= -50 && y < el.clientHeight;
    });
    if (hit && el.scrollTop === top) return performance.now() - t0;
  }
}`;

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

export async function run(args: string[]): Promise<void> {
  const i = args.indexOf('--rows');
  const rows = i >= 0 ? Number(args[i + 1]) : 100_000;
  const tmp = tempDir('studio-bench-grid-');
  try {
    const project = createProject(join(tmp.dir, 'p'), { name: 'bench' });
    mkdirSync(join(project.dir, 'images'));
    const cls = project.addClass('tens');
    const now = new Date().toISOString();
    project.db.transaction(() => {
      for (let k = 0; k < rows; k++) {
        const id = project.images.insert(
          { name: `img_${String(k).padStart(6, '0')}.jpg`, path: `images/${k}.jpg`, hash: `h${k}`, size: 1, width: 64, height: 48, orientation: 1, format: 'jpeg', split: null },
          now,
        );
        if (k % 10 === 0) project.images.addTags(id, [cls.index]);
      }
    })();
    const served = await serveProject(project);
    try {
      console.log(`rows: ${rows}\n`);
      console.log('| listImages (200 rows, HTTP) | median ms | p95 ms |');
      console.log('|---|---|---|');
      for (const [label, q] of [
        ['offset 0', { offset: 0, limit: 200 }],
        ['offset N/2', { offset: Math.floor(rows / 2), limit: 200 }],
        ['offset N-200', { offset: Math.max(0, rows - 200), limit: 200 }],
        ['class filter, offset N/20', { offset: Math.floor(rows / 20), limit: 200, classIndex: cls.index }],
      ] as const) {
        const times: number[] = [];
        for (let r = 0; r < 21; r++) {
          const t0 = performance.now();
          const res = await fetch(`${served.server.origin}/api/listImages`, { method: 'POST', headers: { [TOKEN_HEADER]: served.server.token }, body: JSON.stringify([q]) });
          await res.json();
          times.push(performance.now() - t0);
        }
        console.log(`| ${label} | ${pct(times, 50).toFixed(1)} | ${pct(times, 95).toFixed(1)} |`);
      }

      const browser = await launchChromium();
      try {
        const page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
        await page.goto(served.server.url);
        await page.getByTestId('image-card').first().waitFor();
        // browser-side code as strings: tsx's transform would add helpers the page lacks
        const fling = (await page.evaluate(FLING)) as { deltas: number[]; long: number[]; cards: number };
        console.log(`\n| fling (${fling.deltas.length} frames) | value |`);
        console.log('|---|---|');
        console.log(`| frame interval median | ${pct(fling.deltas, 50).toFixed(1)} ms |`);
        console.log(`| frame interval p95 | ${pct(fling.deltas, 95).toFixed(1)} ms |`);
        console.log(`| long tasks | ${fling.long.length} (max ${fling.long.length ? Math.max(...fling.long).toFixed(0) : 0} ms) |`);
        console.log(`| most cards in the DOM | ${fling.cards} |`);

        const jumps: number[] = [];
        for (const f of [0.13, 0.71, 0.37, 0.93, 0.55]) {
          jumps.push((await page.evaluate(`(${JUMP})(${f})`)) as number);
        }
        console.log(`| jump → rows on screen, median of ${jumps.length} | ${pct(jumps, 50).toFixed(0)} ms (max ${Math.max(...jumps).toFixed(0)} ms) |`);
      } finally {
        await browser.close();
      }
    } finally {
      await served.close();
    }
  } finally {
    tmp.cleanup();
  }
}
