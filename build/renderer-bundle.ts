// Builds the renderer (vite) when dist/renderer is missing, so `npm start` works on a fresh
// clone with no separate build step.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RENDERER_DIR } from '../src/server/session.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));

/** The renderer folder to serve; null (API only) when RS_SKIP_RENDERER_BUILD=1 and there is none (CLI tests). */
export async function ensureRendererBuilt(log: (line: string) => void): Promise<string | null> {
  if (existsSync(join(RENDERER_DIR, 'index.html'))) return RENDERER_DIR;
  if (process.env.RS_SKIP_RENDERER_BUILD === '1') {
    log('the studio UI is not built (RS_SKIP_RENDERER_BUILD=1): serving the API only');
    return null;
  }
  log('building the studio UI (first start only)…');
  const { build } = await import('vite');
  await build({ configFile: join(ROOT, 'renderer', 'vite.config.ts'), logLevel: 'warn' });
  return RENDERER_DIR;
}
