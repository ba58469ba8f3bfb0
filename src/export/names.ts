// Where an export's files go: each image's file-name stem (src/project/image-stems.ts:
// the project decides them, so a mask import finds its images again by the same rule), and
// every written path joined under the export folder, never outside it.
import { isAbsolute, relative, resolve } from 'node:path';
import { StudioError } from '../contract/errors.ts';

export { exportStems, sanitizeStem } from '../project/image-stems.ts';

/** `root` joined with relative `parts`; refuses anything that resolves outside `root`. */
export function safeJoin(root: string, ...parts: string[]): string {
  const file = resolve(root, ...parts);
  const rel = relative(resolve(root), file);
  if (!rel || rel.startsWith('..') || isAbsolute(rel)) {
    throw new StudioError('BAD_REQUEST', `export: '${parts.join('/')}' would be written outside ${root}`);
  }
  return file;
}
