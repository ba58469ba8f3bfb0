// A bounded, seeded fuzz loop against a served studio on 127.0.0.1: malformed API requests
// (bad JSON, wrong shapes and types, hostile strings, random and mutated PNG bytes, bad
// headers, foreign origins, odd methods and paths) and malformed WebSocket traffic (random
// text/binary frames, oversized frames, raw invalid frames, aborted upgrades), and the
// hardening cases of round 2: exports into the folder holding the project's images and
// several exports into one folder at once, masks holding labels that are no class, and
// bursts of tag/class edits. Shared by the fuzz test (the server must survive, the images
// stay) and the probe-replay bench (memory too).
import { connect } from 'node:net';
import WebSocket from 'ws';
import { encodeLabelPng } from '../../src/project/png.ts';
import { prng } from './models.ts';

const METHODS = [
  'projectInfo', 'listImages', 'getImage', 'thumbnail', 'imageBytes', 'maskVersions', 'maskPng', 'saveMask', 'restoreMaskVersion',
  'setStatus', 'setTags', 'editTags', 'updateClass', 'mergeClasses', 'listCams', 'camData', 'imageScores', 'defaultExportFolder',
  'exportProject', 'listModels', 'startGeneration', 'cancelGeneration', 'generationStatus', 'previewMask',
  'currentProject', 'recentProjects', 'createProject', 'openProject', 'forgetProject', 'inspectDataset', 'startImport', 'cancelImport',
  'importStatus', 'inspectModel', 'tryModel', 'addModel', 'removeModel', 'setActiveModel', 'listFolder',
  'constructor', '__proto__', 'toString', 'hasOwnProperty', '', '..%2f..%2fetc', 'onEvent', 'x'.repeat(300),
];

/**
 * Paths the project, import, model and chooser methods get: each must be refused (kernel
 * filesystems, links into them, relative, missing). None may name a real folder the fuzzer
 * could make a project in or import from (the served project must survive as it is).
 */
const PATHS = ['/proc/self', '/proc/self/mem', '/dev/zero', '/dev/shm', '/sys/kernel', 'relative/x', '/nonexistent-rs-fuzz/x', 'C:\\x', '/proc/../dev/null'];

const STRINGS = ['', '\0', 'a\nb', '\u202Eevil', '../../etc/passwd', '/proc/self/mem', '/dev/zero', '%00', '💥'.repeat(50), 'x'.repeat(5000), '{"a":', 'NaN', '__proto__'];

export interface FuzzTarget {
  /** http://127.0.0.1:PORT */
  origin: string;
  token: string;
  /** where an export the fuzzer happens to make valid may write */
  scratch: string;
  /** the folder holding the served project's images: exports into it must be refused */
  dataset?: string;
}

export interface FuzzTally {
  http: number;
  ws: number;
  /** responses by status */
  statuses: Record<number, number>;
  /** requests the server answered with no HTTP response (connection reset) */
  resets: number;
  /** what each reset request was */
  resetDetails: string[];
  /** requests per method name in the URL (every kind of request) */
  methods: Record<string, number>;
}

export function fuzzer(seed: number) {
  const rnd = prng(seed);
  const int = (n: number) => Math.floor(rnd() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)];

  const value = (depth = 0): unknown => {
    switch (int(depth > 2 ? 7 : 10)) {
      case 0: return pick([0, -1, 1, 2, 3, 255, 256, 2 ** 31, 2 ** 53, -0, 1.5, 1e308]);
      case 1: return pick(STRINGS);
      case 2: return pick([null, true, false]);
      case 3: return int(6);
      case 4: return pick(['voc', 'coco', 'approved', 'rcam', 'layer2', 'name', 'tags']);
      case 5: return { format: pick(['voc', 'nope']), out: pick(['/proc/x', '/dev/null', 'relative', '/sys/x']), approvedOnly: false, split: null, overwrite: rnd() < 0.5 };
      case 6: return pick([
        { path: pick(PATHS), layout: pick(['voc', 'folders', 'csv', 'nope', undefined]), masks: pick(['current', 'ground-truth', 'x']) },
        { name: pick(['P', '', '\u202Ex', 'x'.repeat(300)]), parent: pick(PATHS), folder: pick(['p', '..', 'a/b', '']) },
        { path: pick([...PATHS, undefined]), purpose: pick(['dataset', 'model', 'project', 'new-project', 'export', 'x']), hidden: pick([true, 'yes', undefined]) },
        { path: pick(PATHS), imageId: pick([1, 0, -1, 'x']), layer: pick(['layer2', 'layer9']) },
        pick(PATHS),
      ]);
      case 7: return Array.from({ length: int(4) }, () => value(depth + 1));
      case 8: return Object.fromEntries(Array.from({ length: int(4) }, () => [pick(['offset', 'limit', 'name', 'color', 'imageId', 'classIndex', 'path', 'parent', 'folder', 'purpose', 'x', '__proto__', 'constructor']), value(depth + 1)]));
      default: return Array.from({ length: int(3) }, () => value(depth + 1));
    }
  };

  const randomBytes = (n: number) => Uint8Array.from({ length: n }, () => int(256));
  const mutatedPng = (): Uint8Array => {
    const w = 1 + int(50);
    const h = 1 + int(50);
    const png = encodeLabelPng(Uint8Array.from({ length: w * h }, () => pick([0, 1, 2, 255, 7, 200])), w, h);
    for (let k = int(4); k > 0; k--) png[int(png.length)] = int(256);
    return rnd() < 0.3 ? png.subarray(0, int(png.length)) : png;
  };

  async function http(t: FuzzTarget, tally: FuzzTally): Promise<void> {
    const method = pick(METHODS);
    tally.methods[method] = (tally.methods[method] ?? 0) + 1;
    const headers: Record<string, string> = {};
    if (rnd() < 0.9) headers['X-Studio-Token'] = rnd() < 0.95 ? t.token : 'wrong';
    if (rnd() < 0.1) headers.Origin = pick(['http://evil.example', 'null', t.origin]);
    let body: string | Uint8Array<ArrayBuffer> | undefined;
    let verb = 'POST';
    let path = `/api/${encodeURIComponent(method)}`;
    const kind = int(11);
    if (kind === 10) {
      // round 2: exports into the images' folder or one shared folder, foreign labels, edit bursts
      headers['Content-Type'] = 'application/json';
      const out = pick([t.dataset ?? t.scratch, `${t.scratch}/shared`, `${t.scratch}/shared/SegmentationClass`]);
      const req = pick([
        ['exportProject', [{ format: pick(['voc', 'coco', 'yolo']), out, approvedOnly: false, split: null, overwrite: rnd() < 0.7 }]],
        ['editTags', [[1 + int(5)], [1 + int(3)], []]],
        ['editTags', [[1 + int(5)], [], [1 + int(3)]]],
        ['updateClass', [1 + int(2), { color: pick(['#112233', '#445566', 'red']) }]],
        ['setStatus', [[1 + int(5)], pick(['approved', 'edited', 'rejected'])]],
      ] as const);
      path = `/api/${req[0]}`;
      body = JSON.stringify(req[1]);
    } else if (kind < 5) {
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(Array.from({ length: int(4) }, () => value()));
    } else if (kind < 6) {
      headers['Content-Type'] = 'application/json';
      body = pick(['', '[', '{"a":1}', 'null', '"str"', '[1,2', '\u0000', '[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]']);
    } else if (kind < 8) {
      headers['Content-Type'] = 'application/octet-stream';
      // a header carries latin-1 only: anything else goes as JSON \u escapes
      const asciiJson = JSON.stringify([value()]).replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
      headers['X-Studio-Params'] = pick(['[1]', '[2]', '[99999]', '[', '{"a":1}', '["x"]', '[-1]', asciiJson]);
      body = (rnd() < 0.6 ? mutatedPng() : randomBytes(int(4096))) as Uint8Array<ArrayBuffer>;
      // a well-formed mask of a real image's size whose labels are no class (round 2: the mask door)
      if (rnd() < 0.1) {
        headers['X-Studio-Params'] = '[2]';
        body = encodeLabelPng(Uint8Array.from({ length: 40 * 30 }, () => pick([0, 1, 2, 3, 77, 254])), 40, 30) as Uint8Array<ArrayBuffer>;
      }
      path = rnd() < 0.8 ? '/api/saveMask' : path;
    } else if (kind < 9) {
      verb = pick(['GET', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']);
      path = `${path}?params=${encodeURIComponent(pick(['[1]', '[', JSON.stringify([value()]), '[1,null]']))}&token=${rnd() < 0.8 ? t.token : 'x'}`;
    } else {
      verb = 'GET';
      path = pick(['/', '/events', '/../../etc/passwd', '/%2e%2e/%2e%2e/etc/passwd', '/assets/../../secret', '/api/', '/api', `/?token=${t.token}`, '//x']);
    }
    try {
      const res = await fetch(`${t.origin}${path}`, { method: verb, headers, body: verb === 'GET' || verb === 'HEAD' ? undefined : body, signal: AbortSignal.timeout(20_000) });
      await res.arrayBuffer();
      tally.statuses[res.status] = (tally.statuses[res.status] ?? 0) + 1;
    } catch (e) {
      tally.resets++;
      tally.resetDetails.push(`${verb} ${path.slice(0, 80)} ${headers['Content-Type'] ?? ''}: ${(e as Error).message} ${String((e as { cause?: unknown }).cause ?? '')}`);
    }
    tally.http++;
  }

  async function ws(t: FuzzTarget, tally: FuzzTally): Promise<void> {
    tally.ws++;
    const port = Number(new URL(t.origin).port);
    if (rnd() < 0.3) {
      // raw bytes after (or instead of) a valid upgrade: invalid opcodes, bad lengths, no mask
      await new Promise<void>((resolve) => {
        const s = connect(port, '127.0.0.1');
        const done = () => {
          s.destroy();
          resolve();
        };
        s.on('error', done);
        s.setTimeout(2000, done);
        s.on('connect', () => {
          if (rnd() < 0.8) {
            s.write(`GET /events?token=${t.token} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`);
          }
          s.write(Buffer.from(randomBytes(1 + int(64))));
          setTimeout(done, 50);
        });
        s.on('close', done);
      });
      return;
    }
    await new Promise<void>((resolve) => {
      const sock = new WebSocket(`ws://127.0.0.1:${port}/events?token=${rnd() < 0.9 ? t.token : 'bad'}`);
      const done = () => {
        sock.terminate();
        resolve();
      };
      sock.on('error', done);
      sock.on('unexpected-response', done);
      sock.on('close', done);
      setTimeout(done, 3000);
      sock.on('open', () => {
        for (let k = 1 + int(4); k > 0; k--) {
          const size = rnd() < 0.1 ? (64 << 10) + 1 + int(1 << 16) : int(8192);
          if (rnd() < 0.5) sock.send(Buffer.from(randomBytes(size)));
          else sock.send(JSON.stringify(value()).slice(0, size));
        }
        if (rnd() < 0.5) sock.ping(Buffer.from(randomBytes(int(125))));
        setTimeout(done, 20);
      });
    });
  }

  /** `n` events, `concurrency` at a time; ~1 in 4 is WebSocket traffic */
  async function run(t: FuzzTarget, n: number, concurrency = 8): Promise<FuzzTally> {
    const tally: FuzzTally = { http: 0, ws: 0, statuses: {}, resets: 0, resetDetails: [], methods: {} };
    let left = n;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (left > 0) {
          left--;
          await (rnd() < 0.25 ? ws(t, tally) : http(t, tally));
        }
      }),
    );
    return tally;
  }

  return { run };
}
