// Copies on the wire in the delivery scenarios, in real Chromium with its own offline
// emulation: against the reference collector (delivery receipts) every event arrives once
// and none is sent twice; against a recording server without receipts none is lost and the
// copies are printed. The site is served from a route on the collector's origin, so pages
// load and reload while the network is offline.
import { test as base, expect, type BrowserContext, type Page } from '@playwright/test';
import { recordingServer, referenceCollector, serveSite, type Backend } from './support/delivery-backends.js';

/** Test events in the batch requests of pages and of the service worker (failed attempts included). */
const sent = { page: 0, worker: 0 };
function countSenders(context: BrowserContext): void {
  sent.page = sent.worker = 0;
  context.on('request', (request) => {
    if (!request.url().endsWith('/v1/batch')) return;
    const body = request.postDataJSON() as { batch?: Array<{ event?: string }> } | null;
    const events = body?.batch?.filter((e) => e.event !== 'session_start').length ?? 0;
    sent[request.serviceWorker() ? 'worker' : 'page'] += events;
  });
}

/** Pages of a run with the service worker register it; every other run has none. */
let worker: string | undefined;
const url = (backend: Backend, cfg: Record<string, unknown> = {}) =>
  `${backend.origin}/shop/page.html?cfg=${encodeURIComponent(JSON.stringify({ flushAt: 1_000, flushInterval: 500, ...(worker && { serviceWorker: worker }), ...cfg }))}`;

/** Open the site's page; with the worker, wait until it controls the page (it claims pages on activation). */
async function open(page: Page, backend: Backend, cfg?: Record<string, unknown>): Promise<void> {
  await page.goto(url(backend, cfg));
  if (worker) await page.waitForFunction(() => !!navigator.serviceWorker.controller, undefined, { timeout: 10_000 });
}

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

// Independent tests (each has its own backend and context): spread over the workers.
base.describe.configure({ mode: 'parallel' });

const KINDS = [
  ['reference collector (receipts)', true, false],
  ['recording server (no receipts)', false, false],
  ['reference collector (receipts) with the service worker', true, true],
  ['recording server (no receipts) with the service worker', false, true],
] as const;

for (const [kind, receipts, withWorker] of KINDS) {
  const test = base.extend<{ backend: Backend }>({
    backend: async ({ context }, use) => {
      worker = withWorker ? '/shop/tidemark-sw.js' : undefined;
      const backend = receipts ? await referenceCollector() : await recordingServer();
      await serveSite(context, backend);
      countSenders(context);
      await use(backend);
      await backend.close();
    },
  });
  const report = (scenario: string, r: { unique: number; copies: number }) => {
    console.log(`${scenario} → ${kind}: ${r.unique} unique events, ${r.copies} copies on the wire (events in batch requests, failed attempts included: ${sent.page} from pages, ${sent.worker} from the worker)`);
    if (receipts) expect(r.copies).toBe(0);
    // With the worker in control, the pages send nothing themselves; without it, no worker sends.
    if (withWorker) expect(sent).toEqual({ page: 0, worker: sent.worker });
    else expect(sent.worker).toBe(0);
  };

  test.describe(kind, () => {
    test('navigation away with 200 queued', async ({ page, backend }) => {
      await open(page, backend, { flushInterval: 60_000 });
      await page.evaluate(() => {
        for (let i = 0; i < 200; i++) window.tm.track(`nav-${i}`, { i, pad: 'p'.repeat(200) });
        location.href = '/shop/other.html';
      });
      await page.waitForURL('**/other.html');
      await open(page, backend);
      report('navigation away with 200 queued', await settle(backend, { nav: 200 }));
    });

    test('offline, two reloads, online, one more reload', async ({ page, context, backend }) => {
      await open(page, backend);
      await context.setOffline(true);
      await track(page, 'off-a', 25);
      await page.reload();
      await track(page, 'off-b', 25);
      await page.reload();
      expect(await backend.names()).not.toContain('off-a-0'); // offline holds for the worker's requests too
      await context.setOffline(false); // `online`: this page sends…
      await page.waitForTimeout(40);
      await page.reload(); // …and is reloaded before it reads the answer
      report('offline, two reloads, online, reload', await settle(backend, { 'off-a': 25, 'off-b': 25 }));
    });

    test('500s for 20 s, then recovery', async ({ page, context, backend }) => {
      test.setTimeout(90_000);
      await backend.fail(true, context);
      await open(page, backend);
      await track(page, 'err', 50);
      await page.waitForTimeout(20_000);
      await backend.fail(false, context);
      report('500s for 20 s then recovery', await settle(backend, { err: 50 }, 70_000));
    });

    test('three tabs offline, two closed, then online', async ({ context, backend }) => {
      const tabs = [await context.newPage(), await context.newPage(), await context.newPage()];
      for (const tab of tabs) await open(tab, backend);
      await context.setOffline(true);
      for (const [t, tab] of tabs.entries()) await track(tab, `tab${t}`, 50);
      await tabs[0]!.close();
      await tabs[1]!.close();
      await context.setOffline(false);
      report('three tabs offline, two closed, online', await settle(backend, { tab0: 50, tab1: 50, tab2: 50 }));
    });

    test('three tabs online at once', async ({ context, backend }) => {
      const tabs = [await context.newPage(), await context.newPage(), await context.newPage()];
      for (const tab of tabs) await open(tab, backend);
      await Promise.all(tabs.map((tab, t) => track(tab, `live${t}`, 100)));
      report('three tabs online', await settle(backend, { live0: 100, live1: 100, live2: 100 }));
    });
  });
}
