// Copies on the wire in the delivery scenarios, in real Chromium with its own offline
// emulation: against the reference collector (delivery receipts) every event arrives once
// and none is sent twice; against a recording server without receipts none is lost and the
// copies are printed. The site is served from a route on the collector's origin, so pages
// load and reload while the network is offline.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { test as base, expect, type BrowserContext, type Page } from '@playwright/test';
import type { RunningCollector } from '@tidemark/collector';
import { loadCollector, removeTempDirs, tempDir } from './support/collector-process.js';
import { startRecordingServer } from './support/recording-server.js';

const harness = (file: string) => readFileSync(fileURLToPath(new URL(`./harness/${file}`, import.meta.url)), 'utf8');

/** Where events go, and how many arrived and how many were copies. */
interface Backend {
  origin: string;
  /** Events stored once each, by name. */
  names(): Promise<string[]>;
  /** Events that reached it again after being stored. */
  copies(): number;
  /** Answer the batch route with 500 (true) or normally, for the pages of `context`. */
  fail(on: boolean, context: BrowserContext): Promise<void>;
  close(): Promise<void>;
}

async function referenceCollector(): Promise<Backend> {
  const { startCollector } = await loadCollector();
  const collector: RunningCollector = await startCollector({ port: 0, dbPath: `${tempDir()}/events.db`, writeKeys: ['wk_test'], readKeys: ['rk_copies'], rateLimit: false });
  return {
    origin: collector.url,
    async names() {
      const out: string[] = [];
      let cursor = '';
      for (let i = 0; i < 50; i++) {
        const res = await fetch(`${collector.url}/v1/export/events?pageSize=1000${cursor && `&cursor=${cursor}`}`, { headers: { authorization: 'Bearer rk_copies' } });
        const body = (await res.json()) as { items: Array<{ name: string }>; nextCursor: string };
        if (!body.items.length) break;
        out.push(...body.items.map((e) => e.name));
        cursor = body.nextCursor;
      }
      return out;
    },
    copies: () => collector.stats().duplicates,
    // The reference collector never fails on purpose: the browser answers the 500s. Recovery
    // removes the route, so no request is proxied (a slow proxy is a real network, not a test).
    async fail(on, context) {
      if (on) await context.route(`${collector.url}/v1/batch`, (route) => route.fulfill({ status: 500, body: '{}' }));
      else await context.unroute(`${collector.url}/v1/batch`);
    },
    close: async () => {
      await collector.close();
      removeTempDirs();
    },
  };
}

async function recordingServer(): Promise<Backend> {
  const server = await startRecordingServer();
  return {
    origin: server.url,
    names: async () => server.events.map((e) => e.event ?? e.type),
    copies: () => server.duplicates,
    fail: async (on) => server.failWith(on ? 500 : undefined),
    close: () => server.close(),
  };
}

/** Serve the site (the harness page, a page without the SDK, the bundle) from a route on the backend's origin. */
async function serveSite(context: BrowserContext, backend: Backend): Promise<void> {
  const files: Record<string, [string, string]> = {
    '/shop/page.html': [harness('page.html').replace('src="/harness.js"', 'src="/shop/harness.js"'), 'text/html'],
    '/shop/other.html': [harness('other.html'), 'text/html'],
    '/shop/harness.js': [harness('dist/harness.js'), 'text/javascript'],
  };
  await context.route(`${backend.origin}/shop/**`, (route) => {
    const file = files[new URL(route.request().url()).pathname];
    return file ? route.fulfill({ status: 200, contentType: file[1], body: file[0] }) : route.fulfill({ status: 404 });
  });
}

const url = (backend: Backend, cfg: Record<string, unknown> = {}) => `${backend.origin}/shop/page.html?cfg=${encodeURIComponent(JSON.stringify({ flushAt: 1_000, flushInterval: 500, ...cfg }))}`;

async function track(page: Page, prefix: string, count: number): Promise<void> {
  await page.evaluate(([p, n]) => {
    for (let i = 0; i < (n as number); i++) window.tm.track(`${p}-${i}`, { i, pad: 'p'.repeat(200) });
  }, [prefix, count] as const);
}

/** Wait until every event of `prefixes` (count each) arrived; returns unique and copies. */
async function settle(backend: Backend, expected: Record<string, number>, timeout = 30_000) {
  const count = async () => {
    const names = await backend.names();
    return Object.entries(expected).every(([p, n]) => new Set(names.filter((x) => x.startsWith(`${p}-`))).size === n);
  };
  await expect.poll(count, { timeout, intervals: [200] }).toBe(true);
  await new Promise((resolve) => setTimeout(resolve, 3_000)); // late copies (re-sends after the receipts grace) would land by now
  const names = await backend.names();
  const unique = Object.keys(expected).reduce((n, p) => n + new Set(names.filter((x) => x.startsWith(`${p}-`))).size, 0);
  return { unique, copies: backend.copies() };
}

for (const kind of ['reference collector (receipts)', 'recording server (no receipts)'] as const) {
  const receipts = kind.startsWith('reference');
  const test = base.extend<{ backend: Backend }>({
    backend: async ({ context }, use) => {
      const backend = receipts ? await referenceCollector() : await recordingServer();
      await serveSite(context, backend);
      await use(backend);
      await backend.close();
    },
  });
  const report = (scenario: string, r: { unique: number; copies: number }) => {
    console.log(`${scenario} → ${kind}: ${r.unique} unique events, ${r.copies} copies on the wire`);
    if (receipts) expect(r.copies).toBe(0);
  };

  test.describe(kind, () => {
    test('navigation away with 200 queued', async ({ page, backend }) => {
      await page.goto(url(backend, { flushInterval: 60_000 }));
      await page.evaluate(() => {
        for (let i = 0; i < 200; i++) window.tm.track(`nav-${i}`, { i, pad: 'p'.repeat(200) });
        location.href = '/shop/other.html';
      });
      await page.waitForURL('**/other.html');
      await page.goto(url(backend));
      report('navigation away with 200 queued', await settle(backend, { nav: 200 }));
    });

    test('offline, two reloads, online, one more reload', async ({ page, context, backend }) => {
      await page.goto(url(backend));
      await context.setOffline(true);
      await track(page, 'off-a', 25);
      await page.reload();
      await track(page, 'off-b', 25);
      await page.reload();
      await context.setOffline(false); // `online`: this page sends…
      await page.waitForTimeout(40);
      await page.reload(); // …and is reloaded before it reads the answer
      report('offline, two reloads, online, reload', await settle(backend, { 'off-a': 25, 'off-b': 25 }));
    });

    test('500s for 20 s, then recovery', async ({ page, context, backend }) => {
      test.setTimeout(90_000);
      await backend.fail(true, context);
      await page.goto(url(backend));
      await track(page, 'err', 50);
      await page.waitForTimeout(20_000);
      await backend.fail(false, context);
      report('500s for 20 s then recovery', await settle(backend, { err: 50 }, 70_000));
    });

    test('three tabs offline, two closed, then online', async ({ context, backend }) => {
      const tabs = [await context.newPage(), await context.newPage(), await context.newPage()];
      for (const tab of tabs) await tab.goto(url(backend));
      await context.setOffline(true);
      for (const [t, tab] of tabs.entries()) await track(tab, `tab${t}`, 50);
      await tabs[0]!.close();
      await tabs[1]!.close();
      await context.setOffline(false);
      report('three tabs offline, two closed, online', await settle(backend, { tab0: 50, tab1: 50, tab2: 50 }));
    });

    test('three tabs online at once', async ({ context, backend }) => {
      const tabs = [await context.newPage(), await context.newPage(), await context.newPage()];
      for (const tab of tabs) await tab.goto(url(backend));
      await Promise.all(tabs.map((tab, t) => track(tab, `live${t}`, 100)));
      report('three tabs online', await settle(backend, { live0: 100, live1: 100, live2: 100 }));
    });
  });
}
