// `npm run bench -- grid-ui [--rows N] [--runs R]`: the image grid on a project of N
// images (default 100 000), every one with a real JPEG (hard links to one scene) and a
// current mask, in Debian's Chromium. Prints the HTTP latency of a 200-row listImages page
// at several offsets, then the grid with its mask overlays against the same grid showing
// thumbnails only (overlays off), measured in the same page, alternating (A B B A …):
//   - a fling: the grid scrolled 1.5 screens per frame (what a fast wheel does) — frame
//     intervals, long tasks (> 50 ms), most cards in the DOM;
//   - a jump to a far position until every card on screen shows its pictures (thumbnail,
//     and overlay when they are on), after the first pass warmed the server's caches.
// Each also as CPU time: the page's main thread (Chrome's Performance.getMetrics
// TaskDuration) and the studio server (this process's cpuUsage) — on a shared machine these
// move far less with other people's load than wall-clock times do.
// Headless Chromium with --disable-gpu: frame numbers include software paint.
import { copyFileSync, existsSync, linkSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { createProject } from '../../src/project/index.ts';
import { encodeLabelPng } from '../../src/project/png.ts';
import { TOKEN_HEADER } from '../../src/server/auth.ts';
import { serveProject } from '../../src/server/session.ts';
import { tempDir } from '../helpers/images.ts';
import { launchChromium } from '../helpers/browser.ts';

const FLING = `(async () => {
  const el = document.querySelector('[data-testid="image-grid"]');
  el.scrollTop = 0;
  await new Promise((r) => setTimeout(r, 300));
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

/**
 * Jumps to a fraction of the grid; resolves with the ms until every card on screen shows its
 * thumbnail, and until it also shows its overlay when `overlays` (decoded).
 */
const JUMP = `async (frac, overlays) => {
  const el = document.querySelector('[data-testid="image-grid"]');
  const t0 = performance.now();
  el.scrollTop = (el.scrollHeight - el.clientHeight) * frac;
  const top = el.scrollTop;
  const box = el.getBoundingClientRect();
  let thumbs = null;
  for (;;) {
    await new Promise((r) => requestAnimationFrame(r));
    const onScreen = [...el.querySelectorAll('[data-index]')].filter((c) => {
      const r = c.getBoundingClientRect();
      return r.bottom > box.top && r.top < box.bottom;
    });
    const shown = (c, overlay) => {
      const img = [...c.querySelectorAll('img')].find((i) => i.classList.contains('overlay') === overlay);
      return img && img.complete && img.naturalWidth > 0;
    };
    if (el.scrollTop !== top || onScreen.length === 0) continue;
    if (thumbs === null && onScreen.every((c) => shown(c, false))) thumbs = performance.now() - t0;
    if (thumbs !== null && (!overlays || onScreen.every((c) => shown(c, true)))) return { thumbs, all: performance.now() - t0 };
  }
}`;

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

const median = (xs: number[]) => pct(xs, 50);

interface Run {
  frameP50: number;
  frameP95: number;
  longTasks: number;
  cards: number;
  jump: number;
  /** the same until the thumbnails alone are painted */
  jumpThumbs: number;
  /** main-thread busy ms of the page, fling and jump */
  flingCpu: number;
  jumpCpu: number;
  /** studio server CPU ms, fling and jump */
  flingServer: number;
  jumpServer: number;
}

export async function run(args: string[]): Promise<void> {
  const flag = (name: string, d: number) => {
    const i = args.indexOf(name);
    return i >= 0 ? Number(args[i + 1]) : d;
  };
  const rows = flag('--rows', 100_000);
  const runs = Math.max(2, flag('--runs', 6));
  const tmp = tempDir('studio-bench-grid-');
  try {
    const project = createProject(join(tmp.dir, 'p'), { name: 'bench' });
    const images = join(project.dir, 'images');
    mkdirSync(images);
    // one real scene, linked N times: every card has a thumbnail to render and cache
    const W = 128;
    const H = 96;
    const rgb = Buffer.alloc(W * H * 3);
    for (let i = 0; i < W * H; i++) rgb.set([(i * 7) % 256, (i >> 7) * 2, 160], i * 3);
    await sharp(rgb, { raw: { width: W, height: H, channels: 3 } }).jpeg().toFile(join(images, 'scene.jpg'));
    // every image's mask: a blob of class 1 and a bar of class 2
    const labels = new Uint8Array(W * H);
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) labels[y * W + x] = (x - 40) ** 2 + (y - 48) ** 2 < 700 ? 1 : x > 90 && x < 110 ? 2 : 0;
    const png = encodeLabelPng(labels, W, H);
    const a = project.addClass('tens');
    project.addClass('bars');
    const now = new Date().toISOString();
    const t0 = performance.now();
    project.db.transaction(() => {
      for (let k = 0; k < rows; k++) {
        // a file takes at most 65 000 links on ext4: a copy of the scene per 50 000 images
        const src = join(images, `scene-${Math.floor(k / 50_000)}.jpg`);
        if (!existsSync(src)) copyFileSync(join(images, 'scene.jpg'), src);
        linkSync(src, join(images, `${k}.jpg`));
        const id = project.images.insert(
          { name: `img_${String(k).padStart(6, '0')}.jpg`, path: `images/${k}.jpg`, hash: `h${k}`, size: 1, width: W, height: H, orientation: 1, format: 'jpeg', split: null },
          now,
        );
        if (k % 10 === 0) project.images.addTags(id, [a.index]);
        project.masks.insert(id, png, W, H, { source: 'generated', method: 'rcam', layer: 'layer2' }, true, now);
      }
    })();
    console.log(`rows: ${rows} (each with a JPEG and a current mask; made in ${((performance.now() - t0) / 1000).toFixed(1)} s)\n`);
    const served = await serveProject(project);
    try {
      console.log('| listImages (200 rows, HTTP) | median ms | p95 ms |');
      console.log('|---|---|---|');
      for (const [label, q] of [
        ['offset 0', { offset: 0, limit: 200 }],
        ['offset N/2', { offset: Math.floor(rows / 2), limit: 200 }],
        ['offset N-200', { offset: Math.max(0, rows - 200), limit: 200 }],
        ['class filter, offset N/20', { offset: Math.floor(rows / 20), limit: 200, classIndex: a.index }],
      ] as const) {
        const times: number[] = [];
        for (let r = 0; r < 21; r++) {
          const t1 = performance.now();
          const res = await fetch(`${served.server.origin}/api/listImages`, { method: 'POST', headers: { [TOKEN_HEADER]: served.server.token }, body: JSON.stringify([q]) });
          await res.json();
          times.push(performance.now() - t1);
        }
        console.log(`| ${label} | ${pct(times, 50).toFixed(1)} | ${pct(times, 95).toFixed(1)} |`);
      }

      const browser = await launchChromium();
      try {
        const page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
        const cdp = await page.context().newCDPSession(page);
        await cdp.send('Performance.enable');
        /** the page's main-thread busy time so far, ms */
        const busy = async () => {
          const { metrics } = (await cdp.send('Performance.getMetrics')) as { metrics: { name: string; value: number }[] };
          return 1000 * (metrics.find((m) => m.name === 'TaskDuration')?.value ?? 0);
        };
        const serverCpu = () => {
          const u = process.cpuUsage();
          return (u.user + u.system) / 1000;
        };
        await page.goto(served.server.url);
        await page.getByTestId('image-card').first().waitFor();
        const toggle = page.getByTestId('toggle-masks');
        const setOverlays = async (on: boolean) => {
          if ((await toggle.getAttribute('aria-pressed')) !== String(on)) await toggle.click();
          await page.waitForTimeout(300);
        };
        const fracs = [0.13, 0.71, 0.37, 0.93, 0.55];
        const measure = async (on: boolean, k: number): Promise<Run> => {
          await setOverlays(on);
          const [b0, s0] = [await busy(), serverCpu()];
          const fling = (await page.evaluate(FLING)) as { deltas: number[]; long: number[]; cards: number };
          const [b1, s1] = [await busy(), serverCpu()];
          // what the fling asked for lands before the jump
          await page.waitForTimeout(1000);
          const [b2, s2] = [await busy(), serverCpu()];
          const jump = (await page.evaluate(`(${JUMP})(${fracs[k % fracs.length]}, ${on})`)) as { thumbs: number; all: number };
          const [b3, s3] = [await busy(), serverCpu()];
          return {
            frameP50: pct(fling.deltas, 50),
            frameP95: pct(fling.deltas, 95),
            longTasks: fling.long.length,
            cards: fling.cards,
            jump: jump.all,
            jumpThumbs: jump.thumbs,
            flingCpu: b1 - b0,
            jumpCpu: b3 - b2,
            flingServer: s1 - s0,
            jumpServer: s3 - s2,
          };
        };
        // a first pass in each mode and at every jump target warms the server's caches
        // (thumbnails and overlays are rendered once, then read from disk)
        for (const on of [false, true]) for (let k = 0; k < fracs.length; k++) await measure(on, k);
        const byMode: Record<'off' | 'on', Run[]> = { off: [], on: [] };
        // alternating, A B B A …, so drift in the machine's load hits both alike
        for (let r = 0; r < runs; r++) {
          const order = r % 2 === 0 ? [false, true] : [true, false];
          for (const on of order) byMode[on ? 'on' : 'off'].push(await measure(on, r));
        }
        const stat = (mode: 'off' | 'on', f: (x: Run) => number) => median(byMode[mode].map(f));
        const row = (label: string, f: (x: Run) => number, unit: string, digits = 1) => {
          const off = stat('off', f);
          const on = stat('on', f);
          console.log(`| ${label} | ${off.toFixed(digits)}${unit} | ${on.toFixed(digits)}${unit} | ${off > 0 ? (on / off).toFixed(2) : '—'} |`);
        };
        console.log(`\n| grid, medians of ${runs} alternating runs each | thumbnails only | with mask overlays | ratio |`);
        console.log('|---|---|---|---|');
        row('fling frame interval, median', (x) => x.frameP50, ' ms');
        row('fling frame interval, p95', (x) => x.frameP95, ' ms');
        row('long tasks per fling', (x) => x.longTasks, '', 0);
        row('most cards in the DOM', (x) => x.cards, '', 0);
        row('jump → every thumbnail on screen painted', (x) => x.jumpThumbs, ' ms', 0);
        row('jump → every card on screen painted (overlays too)', (x) => x.jump, ' ms', 0);
        row('fling: page main-thread CPU', (x) => x.flingCpu, ' ms', 0);
        row('fling: studio server CPU', (x) => x.flingServer, ' ms', 0);
        row('jump: page main-thread CPU until painted', (x) => x.jumpCpu, ' ms', 0);
        row('jump: studio server CPU until painted', (x) => x.jumpServer, ' ms', 0);
        console.log('\nratio = with overlays / thumbnails only; the goal is ≤ 1.10 on every line');
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
