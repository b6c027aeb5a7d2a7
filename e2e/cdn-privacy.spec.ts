// The script tag's privacy controls in real Chromium: data-respect-gpc with the Global
// Privacy Control signal sends nothing, and data-persistence="memory" delivers while leaving
// no cookie, localStorage key or IndexedDB database behind.
import { test, expect, tagPage, waitForEvents, watchPage, stored } from './support/cdn-fixture.js';

/** Chromium sends no GPC by default: give the page the signal a browser with it on would. */
const SEND_GPC = () => Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', { get: () => true, configurable: true });

test('data-respect-gpc: a visitor whose browser sends GPC is not tracked; one without is', async ({ page, site }) => {
  const watched = watchPage(page);
  const url = site.file('/gpc.html', tagPage(site, { 'data-auto-page': 'true', 'data-respect-gpc': 'true' }));
  await page.addInitScript(SEND_GPC);
  await page.goto(url);
  await page.waitForFunction(() => window.tidemark?.client !== undefined);
  expect(await page.evaluate(() => window.tidemark.client!.getConsent())).toBe('denied');
  await page.evaluate(async () => {
    window.tidemark.track('With GPC');
    await window.tidemark.flush();
  });
  expect(stored(site)).toEqual([]);
  expect(site.server.requests).toEqual([]);

  const control = await page.context().newPage();
  await control.goto(site.file('/no-gpc.html', tagPage(site, { 'data-auto-page': 'true', 'data-respect-gpc': 'true' })));
  await waitForEvents(site, (e) => e.type === 'page', 1);
  expect(watched.pageErrors).toEqual([]);
});

test('data-persistence="memory" delivers, keeps nothing in the browser, and each load is a new visitor', async ({ page, site }) => {
  const watched = watchPage(page);
  const url = site.file('/memory.html', tagPage(site, { 'data-auto-page': 'true', 'data-persistence': 'memory' }));
  await page.goto(url);
  const [first] = await waitForEvents(site, (e) => e.type === 'page', 1);
  const left = () =>
    page.evaluate(async () => ({ cookie: document.cookie, localStorage: localStorage.length, databases: (await indexedDB.databases()).map((d) => d.name) }));
  expect(await left()).toEqual({ cookie: '', localStorage: 0, databases: [] });
  await page.reload();
  const views = await waitForEvents(site, (e) => e.type === 'page', 2);
  expect(views[1]!.anonymousId).not.toBe(first!.anonymousId);
  expect(await left()).toEqual({ cookie: '', localStorage: 0, databases: [] });
  expect(watched.pageErrors).toEqual([]);
  expect(watched.warnings).toEqual([]);
});
