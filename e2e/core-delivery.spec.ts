// The durable queue in real Chromium against a real HTTP server: offline periods, reloads,
// navigation away, server failures, a poisoned event and IndexedDB failures.
import { test, expect, pageUrl, trackMany, arrived, waitForArrivals } from './support/core-fixture.js';

test('offline tracking survives two reloads and arrives once when back online', async ({ page, context, server }) => {
  // Chromium cannot reload a page while emulating offline, so around the reloads the network
  // is up but the collector answers 503 (the page-hide keepalive gets 503 too); the events
  // must wait in IndexedDB through both reloads either way.
  server.failWith(503); // from the start, so the session_start cannot slip out before going offline
  await page.goto(pageUrl(server));
  await context.setOffline(true);
  await trackMany(page, 'offline-a', 25);
  expect(await page.evaluate(() => navigator.onLine)).toBe(false);
  await context.setOffline(false);
  await page.reload();
  await context.setOffline(true);
  await trackMany(page, 'offline-b', 25);
  await context.setOffline(false);
  await page.reload();
  await context.setOffline(true);
  await page.waitForTimeout(300);
  expect(server.events.length).toBe(0);

  server.failWith(undefined);
  await context.setOffline(false); // the `online` event triggers the flush
  await waitForArrivals(server, 'offline-a', 25);
  await waitForArrivals(server, 'offline-b', 25);
  await page.waitForTimeout(500);
  console.log(`offline+reloads: ${server.events.length} stored, ${server.duplicates} duplicates, ${server.requests.filter((r) => r.status === 503).length} refused attempts before`);
  expect(server.duplicates).toBe(0);
});

test('200 events then immediate navigation away: all arrive, duplicates counted', async ({ page, server }) => {
  await page.goto(pageUrl(server, { flushAt: 1000, flushInterval: 60_000 }));
  await page.evaluate(() => {
    for (let i = 0; i < 200; i++) window.tm.track(`nav-${i}`, { i, pad: 'p'.repeat(200) });
    location.href = '/other.html';
  });
  await page.waitForURL('**/other.html');
  await page.waitForTimeout(1000);
  const viaHide = arrived(server, 'nav').length;
  // The rest waited in IndexedDB; the next page with the SDK drains them.
  await page.goto(pageUrl(server));
  await waitForArrivals(server, 'nav', 200);
  await page.waitForTimeout(500);
  console.log(`navigation away: ${viaHide} of 200 arrived via keepalive on page hide, the rest on the next page; ${server.duplicates} duplicates deduped by messageId`);
  expect(viaHide).toBeGreaterThan(0);
  expect(new Set(arrived(server, 'nav')).size).toBe(200);
});

test('a collector answering 500 for a while: everything arrives after it recovers', async ({ page, server }) => {
  server.failWith(500);
  await page.goto(pageUrl(server, { flushAt: 10 }));
  await trackMany(page, 'retry', 50);
  await expect.poll(() => server.requests.filter((r) => r.status === 500).length, { timeout: 5_000 }).toBeGreaterThan(1);
  expect(server.events.length).toBe(0);
  server.failWith(undefined);
  await waitForArrivals(server, 'retry', 50, 30_000);
  const failed = server.requests.filter((r) => r.status === 500).length;
  console.log(`500s: ${failed} failed requests, then ${arrived(server, 'retry').length}/50 delivered, ${server.duplicates} duplicates`);
  expect(await page.evaluate(() => window.tmErrors.includes('server'))).toBe(true);
});

test('a 400 for one poisoned event drops only that event', async ({ page, server }) => {
  server.poison.add('poison-7');
  await page.goto(pageUrl(server, { flushAt: 30 }));
  await trackMany(page, 'poison', 30);
  await waitForArrivals(server, 'poison', 29);
  await page.waitForTimeout(500);
  expect(arrived(server, 'poison')).not.toContain('poison-7');
  const drops = await page.evaluate(() => window.tmDrops.filter((d) => d.reason === 'rejected'));
  expect(drops).toEqual([{ reason: 'rejected', count: 1 }]);
  expect(await page.evaluate(() => window.tm.flush())).toMatchObject({ pending: 0 });
  console.log(`poison: 29/30 stored, poisoned event isolated in ${server.requests.filter((r) => r.status === 400).length} 400-answers`);
});

test('three tabs tracking at once: no event is sent by two tabs', async ({ context, server }) => {
  // Tabs open one after another, as a visitor opens them; then all three track at once.
  const tabs = [];
  for (let t = 0; t < 3; t++) {
    const tab = await context.newPage();
    await tab.goto(pageUrl(server, { flushAt: 10, flushInterval: 100 }));
    tabs.push(tab);
  }
  await Promise.all(tabs.map((tab, t) => tab.evaluate(async (t) => {
    for (let i = 0; i < 100; i++) {
      window.tm.track(`tab${t}-${i}`);
      if (i % 10 === 0) await new Promise((r) => setTimeout(r, 5));
    }
  }, t)));
  for (const t of [0, 1, 2]) await waitForArrivals(server, `tab${t}`, 100);
  await tabs[0]!.waitForTimeout(1000);
  const sessions = new Set(server.events.map((e) => e.context.sessionId));
  const anon = new Set(server.events.map((e) => e.anonymousId));
  console.log(`three tabs: ${server.events.length} stored in ${server.requests.length} requests, ${server.duplicates} duplicates, ${sessions.size} session, ${anon.size} visitor`);
  expect(server.duplicates).toBe(0);
  expect(sessions.size).toBe(1);
  expect(anon.size).toBe(1);
});

test('a tab that let go of the drain lock without sending: the page that wanted it looks again', async ({ context, server }) => {
  // A page being reloaded holds the origin's drain lock until its document is gone, and sends
  // nothing more: the new page's first drain finds the lock taken and must come back for it.
  const holder = await context.newPage();
  await holder.goto(`${server.url}/other.html`);
  await holder.evaluate(() => {
    void navigator.locks.request('tidemark-drain-wk_test', () => new Promise<void>((release) => ((window as unknown as { release: () => void }).release = release)));
  });
  const page = await context.newPage();
  await page.goto(pageUrl(server, { flushAt: 5, flushInterval: 300 }));
  await trackMany(page, 'locked', 10);
  await page.waitForTimeout(1_000);
  expect(arrived(server, 'locked')).toHaveLength(0); // the other tab holds the lock
  await holder.evaluate(() => (window as unknown as { release: () => void }).release());
  await waitForArrivals(server, 'locked', 10, 5_000);
  expect(server.duplicates).toBe(0);
});

for (const [label, script] of [
  ['missing', 'Object.defineProperty(window, "indexedDB", { value: undefined })'],
  ['failing', 'IDBFactory.prototype.open = function () { throw new DOMException("blocked", "SecurityError"); }'],
] as const) {
  test(`IndexedDB ${label}: memory fallback with one warning, events still delivered`, async ({ page, server }) => {
    await page.addInitScript(script);
    await page.goto(pageUrl(server));
    await trackMany(page, `noidb-${label}`, 30);
    await waitForArrivals(server, `noidb-${label}`, 30);
    const errors = await page.evaluate(() => window.tmErrors);
    expect(errors.filter((c) => c === 'storage_unavailable')).toHaveLength(1);
    console.log(`IndexedDB ${label}: 30/30 delivered from memory; warnings: ${errors.join(',')}`);
  });
}
