// `npm run test:models`: tests of model files that live outside the repository (the
// realistic benchmark classifier, test/helpers/realistic-model.ts). Not part of `npm test`
// or CI; without the model folder it stops here with one line saying how to get it.
import { defineConfig } from 'vitest/config';
import { hermeticEnv } from './test/helpers/hermetic.ts';
import { missingRealisticModel } from './test/helpers/realistic-model.ts';

const missing = missingRealisticModel();
if (missing) {
  console.error(`test:models: ${missing}`);
  process.exit(1);
}
hermeticEnv();

export default defineConfig({
  test: {
    include: ['test/models/**/*.test.ts'],
    testTimeout: 300_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
