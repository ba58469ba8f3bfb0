import { defineConfig } from 'vitest/config';
import { hermeticEnv } from './test/helpers/hermetic.ts';

hermeticEnv();

export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
