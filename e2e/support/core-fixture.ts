// Fixture for the core delivery tests: a recording server that also serves the harness
// bundle and the test pages, so the page and the collector share one origin.
import { test as base, expect, type Page } from '@playwright/test';
import { fileURLToPath } from 'node:url';
import { startFakeCollector, type FakeCollector } from '@tidemark/test-kit';

const harness = (file: string) => fileURLToPath(new URL(`../harness/${file}`, import.meta.url));

/** URL of the test page with client options. */
export function pageUrl(server: FakeCollector, cfg: Record<string, unknown> = {}): string {
  return `${server.url}/page.html?cfg=${encodeURIComponent(JSON.stringify(cfg))}`;
}

/** Track `count` events named `${prefix}-${i}` in the page, synchronously. */
export async function trackMany(page: Page, prefix: string, count: number): Promise<void> {
  await page.evaluate(([p, n]) => {
    for (let i = 0; i < (n as number); i++) window.tm.track(`${p}-${i}`, { i });
  }, [prefix, count] as const);
}

/** Names of the events the server stored that start with `prefix`. */
export function arrived(server: FakeCollector, prefix: string): string[] {
  return server.events.map((e) => e.event ?? '').filter((name) => name.startsWith(`${prefix}-`));
}

/** Wait until the server stored `count` events with `prefix` (bounded by `timeout`). */
export async function waitForArrivals(server: FakeCollector, prefix: string, count: number, timeout = 20_000): Promise<void> {
  await expect.poll(() => arrived(server, prefix).length, { timeout, intervals: [100] }).toBe(count);
}

export const test = base.extend<{ server: FakeCollector }>({
  server: async ({}, use) => {
    const server = await startFakeCollector({ writeKey: 'wk_test' });
    server.serve('/harness.js', harness('dist/harness.js'));
    server.serve('/harness.js.map', harness('dist/harness.js.map'));
    server.serve('/page.html', harness('page.html'));
    server.serve('/other.html', harness('other.html'));
    await use(server);
    await server.close();
  },
});

export { expect };

declare global {
  interface Window {
    tm: import('@tidemark/core').Tidemark;
    tmErrors: string[];
    /** Every error the client reported, with its message. */
    tmReports: Array<{ code: string; message: string }>;
    tmDrops: Array<{ reason: string; count: number }>;
  }
}
