import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS, chromiumPath, noChromiumMessage } from './scripts/chromium.mjs';

// Without a browser, one line on how to get one, instead of Playwright's banner.
const executablePath = chromiumPath();
if (!executablePath) {
  console.error(noChromiumMessage());
  process.exit(1);
}

export default defineConfig({
  testDir: 'e2e',
  testMatch: '**/*.spec.ts',
  timeout: 60_000,
  workers: 2,
  reporter: [['list']],
  use: {
    browserName: 'chromium',
    launchOptions: { executablePath, args: CHROMIUM_ARGS },
  },
});
