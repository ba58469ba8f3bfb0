// Builds the renderer (vite) when dist/renderer is missing, so `npm start` works on a fresh
// clone with no separate build step.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RENDERER_DIR } from './session.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export async function ensureRendererBuilt(log: (line: string) => void): Promise<string> {
  if (existsSync(join(RENDERER_DIR, 'index.html'))) return RENDERER_DIR;
  log('building the studio UI (first start only)…');
  const { build } = await import('vite');
  await build({ configFile: join(ROOT, 'renderer', 'vite.config.ts'), logLevel: 'warn' });
  return RENDERER_DIR;
}
