// Tests read and write nothing outside the repository and their temp folders: the compiled-
// graph cache (RS_CACHE_DIR, else ~/.cache/relevance-studio) and the data folder of `start`
// (RS_DATA_DIR, else ~/.local/share/relevance-studio) point into one fresh temp folder per
// run, so a cache left by an earlier run or another checkout can neither help nor hide a bug.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * Called by the test runners' configs. The first load (the runner's main process) makes the
 * folder, sets the variables, which its workers inherit, and removes the folder on exit; a
 * worker that loads the config again finds them set and keeps them.
 */
export function hermeticEnv(): void {
  if (process.env.RS_TEST_HOME) return;
  const dir = mkdtempSync(path.join(tmpdir(), 'rs-test-home-'));
  process.env.RS_TEST_HOME = dir;
  process.env.RS_CACHE_DIR = path.join(dir, 'cache');
  process.env.RS_DATA_DIR = path.join(dir, 'data');
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
}
