// UI tests in Debian's Chromium (Playwright downloads no browser here). Each spec starts
// its own studio server on a fixture project in a temp folder.
import { defineConfig } from '@playwright/test';
import { hermeticEnv } from './test/helpers/hermetic.ts';

hermeticEnv();

export default defineConfig({
  testDir: 'test/e2e',
  outputDir: 'test-results/playwright',
  timeout: 60_000,
  workers: 1,
  reporter: [['list']],
  use: {
    viewport: { width: 1400, height: 860 },
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    },
    trace: 'off',
  },
  projects: [{ name: 'chromium' }],
});
