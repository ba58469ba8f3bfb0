// System data some tests read. Each is installed by .ci/run and named in the README's
// install line; a test file that needs one calls its require…() at the top, so on a machine
// without it the file fails at once with one line saying what to install (never a skip).
import { fashionMnistDir, missingDatasetMessage } from '../../demo/scenes/idx.ts';

/** The full Fashion-MNIST (both splits): Debian's dataset-fashion-mnist, or FASHION_MNIST_DIR. */
export function requireFashionMnist(): string {
  const dir = fashionMnistDir();
  for (const split of ['test', 'train'] as const) {
    const missing = missingDatasetMessage(dir, split);
    if (missing) throw new Error(missing);
  }
  return dir;
}
