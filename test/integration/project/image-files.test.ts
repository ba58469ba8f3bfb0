// Image files replaced after import: by a FIFO (a plain read would block the studio's event
// loop forever), by a link to /dev/zero (a read to EOF never ends), by a file larger than
// an image may be. Every reader (image bytes, thumbnails, export's copies, the job
// pipeline) refuses each at once in one line naming the file; the served studio keeps
// answering. A header that declares more pixels than the studio decodes is refused at import.
import { execFileSync } from 'node:child_process';
import { rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { exportProject } from '../../../src/export/index.ts';
import { MAX_IMAGE_BYTES, readImageFile } from '../../../src/fs/image-file.ts';
import { startJob } from '../../../src/jobs/index.ts';
import { createProject, type Project } from '../../../src/project/index.ts';
import { startServer } from '../../../src/server/index.ts';
import { createStudioService } from '../../../src/services/index.ts';
import { TOKEN_HEADER } from '../../../src/server/auth.ts';
import { tempDir, writeJpeg } from '../../helpers/images.ts';
import { pngWith } from '../../helpers/png-bomb.ts';
import { demoProject } from '../jobs/fixture.ts';

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir('studio-image-files-');
});
afterEach(() => tmp.cleanup());

/** replaces `file` by a FIFO, a link to /dev/zero, or a sparse file past the cap */
function replace(file: string, by: 'fifo' | 'zero-link' | 'huge'): void {
  rmSync(file);
  if (by === 'fifo') execFileSync('mkfifo', [file]);
  else if (by === 'zero-link') symlinkSync('/dev/zero', file);
  else {
    writeFileSync(file, '');
    truncateSync(file, MAX_IMAGE_BYTES + 1);
  }
}

const REFUSED: Record<'fifo' | 'zero-link' | 'huge', RegExp> = {
  fifo: /: is a FIFO \(named pipe\), not a regular image file$/,
  'zero-link': /: is a symbolic link; image files are read only as regular files/,
  huge: new RegExp(`: is ${MAX_IMAGE_BYTES + 1} bytes, more than the ${MAX_IMAGE_BYTES} an image may have$`),
};

describe('image files replaced after import', () => {
  let p: Project;
  beforeEach(async () => {
    const data = join(tmp.dir, 'data');
    for (const n of ['a', 'b', 'c', 'd']) await writeJpeg(join(data, 'cat', `${n}.jpg`), { width: 16, height: 12, seed: n.charCodeAt(0) });
    p = createProject(join(tmp.dir, 'proj'));
    await p.importDataset(data, { layout: 'folders', thumbnails: false });
  });
  afterEach(() => p.close());

  it('every reader refuses a FIFO, a link to /dev/zero and an oversized file at once, naming it', async () => {
    const kinds = ['fifo', 'zero-link', 'huge'] as const;
    for (const [k, by] of kinds.entries()) {
      const id = k + 1;
      const file = p.imagePath(id);
      replace(file, by);
      await expect(readImageFile(file)).rejects.toThrow(REFUSED[by]);
      await expect(p.imageBytes(id)).rejects.toThrow(REFUSED[by]);
      await expect(p.thumbnail(id)).rejects.toThrow(REFUSED[by]);
    }
    // export's copied images: those three are skipped with the reason, the fourth written
    for (const img of p.allImages()) p.saveMask(img.id, new Uint8Array(await (await import('../../../src/project/png.ts')).encodeLabelPng(new Uint8Array(16 * 12), 16, 12)), { source: 'edited' });
    const rep = await exportProject(p, { format: 'voc', out: join(tmp.dir, 'out'), copyImages: true });
    expect(rep.images).toBe(1);
    expect(rep.skipped.map((s) => s.reason)).toEqual(kinds.map((by) => expect.stringMatching(REFUSED[by])));
  });

  it('the served studio answers a FIFO image in one line and keeps serving', async () => {
    replace(p.imagePath(1), 'fifo');
    const server = await startServer({ api: createStudioService(p), token: 't', staticDir: null });
    try {
      const call = (method: string, params: unknown[]) =>
        fetch(`${server.origin}/api/${method}`, { method: 'POST', headers: { [TOKEN_HEADER]: 't' }, body: JSON.stringify(params), signal: AbortSignal.timeout(10_000) });
      for (const m of ['imageBytes', 'thumbnail']) {
        const r = await call(m, [1]);
        expect(r.status).toBe(400);
        expect(((await r.json()) as { error: { message: string } }).error.message).toMatch(REFUSED.fifo);
      }
      expect((await call('projectInfo', [])).status).toBe(200);
    } finally {
      await server.close();
    }
  });
});

describe('a job over replaced image files', () => {
  it('fails each replaced image by name and finishes the rest', async () => {
    const p = await demoProject(tmp.dir, 4);
    try {
      const files = [1, 2, 3].map((id) => p.imagePath(id));
      replace(files[0], 'fifo');
      replace(files[1], 'zero-link');
      replace(files[2], 'huge');
      const s = await startJob(p, {}, { workers: 0 }).done;
      expect(s).toMatchObject({ total: 4, done: 1, failed: 3 });
      expect(s.errors.map((e) => e.message)).toEqual([
        expect.stringMatching(REFUSED.fifo),
        expect.stringMatching(REFUSED['zero-link']),
        expect.stringMatching(REFUSED.huge),
      ]);
    } finally {
      p.close();
    }
  });
});

describe('import', () => {
  it('refuses a header declaring more pixels than the studio decodes (a 265-byte file declaring 16000²)', async () => {
    const data = join(tmp.dir, 'data');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(join(data, 'cat'), { recursive: true });
    const liar = join(data, 'cat', 'liar.png');
    writeFileSync(liar, pngWith(16000, 16000, deflateSync(Buffer.alloc(100))));
    await writeJpeg(join(data, 'cat', 'fine.jpg'), { width: 16, height: 12 });
    const p = createProject(join(tmp.dir, 'proj2'));
    try {
      const rep = await p.importDataset(data, { layout: 'folders', thumbnails: false });
      expect(rep.added).toBe(1);
      expect(rep.errors).toEqual([{ file: liar, message: 'declares 16000×16000 pixels (256 MP); images up to 100 MP are read — scale it down' }]);
    } finally {
      p.close();
    }
  });
});
