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
    // *.shop.test resolves to this machine, so one server can be two subdomains of one site
    // (e2e/identity-relay.spec.ts); no other name is touched.
    launchOptions: { executablePath, args: [...CHROMIUM_ARGS, '--host-resolver-rules=MAP *.shop.test 127.0.0.1'] },
  },
});
