// The Tidemark service worker drains with no page of the site open: a drain that ended
// offline leaves a Background Sync registration, and the sync event sends the queue. Headless
// Chromium fires sync events on its own connectivity signal, which Playwright's offline
// emulation does not change, so the test dispatches the event through DevTools, as the
// browser does when the network returns.
import { test, expect } from '@playwright/test';
import { referenceCollector, serveSite } from './support/delivery-backends.js';

const SYNC_TAG = 'tidemark-drain';

test('a Background Sync sends what was queued offline after the last tab closed', async ({ context }) => {
  const backend = await referenceCollector();
  await serveSite(context, backend);
  const cfg = encodeURIComponent(JSON.stringify({ flushAt: 1_000, flushInterval: 500, serviceWorker: '/shop/tidemark-sw.js' }));
  const page = await context.newPage();
  await page.goto(`${backend.origin}/shop/page.html?cfg=${cfg}`);
  await page.waitForFunction(() => !!navigator.serviceWorker.controller);

  await context.setOffline(true);
  await page.evaluate(async () => {
    for (let i = 0; i < 30; i++) window.tm.track(`sync-${i}`, { i });
    await window.tm.flush(); // the worker's drain fails offline and registers the sync
  });
  const tags = await page.evaluate(async () => {
    const registration = (await navigator.serviceWorker.ready) as ServiceWorkerRegistration & { sync: { getTags(): Promise<string[]> } };
    return registration.sync.getTags();
  });
  expect(tags).toContain(SYNC_TAG);

  // A page of another origin hosts the DevTools session; the site itself has no page left.
  const blank = await context.newPage();
  const cdp = await context.newCDPSession(blank);
  const registered = new Promise<string>((resolve) =>
    cdp.on('ServiceWorker.workerRegistrationUpdated', ({ registrations }) => {
      const ours = registrations.find((r) => r.scopeURL.startsWith(`${backend.origin}/shop/`) && !r.isDeleted);
      if (ours) resolve(ours.registrationId);
    }),
  );
  await cdp.send('ServiceWorker.enable');
  const registrationId = await registered;
  await page.close();

  // The worker is stopped, as the browser stops an idle one, so no timer of its own is left
  // to send. Playwright cannot change the emulation of a worker it saw stop, so the network
  // comes back in two steps: a route keeps refusing the worker's requests while the
  // emulation goes online, then the route lets them through.
  let refusing = true;
  await context.route(`${backend.origin}/v1/**`, (route) => (refusing ? route.abort('internetdisconnected') : route.continue()));
  await context.setOffline(false);
  const stopped = new Promise<void>((resolve) =>
    cdp.on('ServiceWorker.workerVersionUpdated', ({ versions }) => {
      if (versions.some((v) => v.registrationId === registrationId && v.runningStatus === 'stopped')) resolve();
    }),
  );
  await cdp.send('ServiceWorker.stopAllWorkers');
  await stopped;
  refusing = false;
  await new Promise((resolve) => setTimeout(resolve, 3_000));
  expect((await backend.names()).filter((n) => n.startsWith('sync-'))).toEqual([]); // no page, no running worker: nothing goes

  await cdp.send('ServiceWorker.dispatchSyncEvent', { origin: backend.origin, registrationId, tag: SYNC_TAG, lastChance: false });
  await expect.poll(async () => (await backend.names()).filter((n) => n.startsWith('sync-')).length, { timeout: 15_000 }).toBe(30);
  expect(backend.copies()).toBe(0);
  await backend.close();
});
