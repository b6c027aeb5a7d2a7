// Automatic page views in a single-page app: the initial load and every history navigation
// (pushState, replaceState, back/forward, fragment) make exactly one page view each.
import type { Page } from '@playwright/test';
import { test, expect, tagPage, watchPage, stored } from './support/cdn-fixture.js';

/** Run a navigation in the page, then let the page-view check (deferred by one task) run. */
async function step(page: Page, run: () => void): Promise<void> {
  await page.evaluate(run);
  await page.waitForTimeout(30);
  await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 0)));
}

test('SPA navigations produce one page view each, and URL-preserving history calls none', async ({ page, site }) => {
  const watched = watchPage(page);
  // A router that sets the title after changing the URL, as most do.
  site.file('/router.js', `window.go = function (path, title) {
    history.pushState({ path: path }, '', path);
    document.title = title;
  };`);
  const url = site.file('/app/index.html', tagPage(site, { 'data-auto-page': 'true' }, '<script src="/router.js"></script>'));
  await page.goto(url);
  await page.waitForFunction(() => window.tidemark?.client !== undefined);

  await step(page, () => (window as unknown as { go: (p: string, t: string) => void }).go('/app/a', 'Page A'));
  await step(page, () => history.replaceState({ scroll: 120 }, '')); // same URL: state only
  await step(page, () => history.pushState(null, '', location.href)); // same URL again
  await step(page, () => {
    // A push and an immediate redirect in one task are one navigation.
    history.pushState(null, '', '/app/b');
    history.replaceState(null, '', '/app/b?tab=1');
  });
  await step(page, () => history.back());
  await page.waitForFunction(() => location.pathname === '/app/a');
  await step(page, () => {});
  await step(page, () => (location.hash = '#details'));
  await step(page, () => history.replaceState(null, '', '/app/c'));
  await page.evaluate(() => window.tidemark.flush());

  const views = stored(site, 'page').map((e) => ({ url: e.properties!.url as string, title: e.properties!.title }));
  expect(views.map((v) => v.url.replace(site.origin, ''))).toEqual(['/app/index.html', '/app/a', '/app/b?tab=1', '/app/a', '/app/a#details', '/app/c']);
  expect(views[1]!.title).toBe('Page A');
  expect(watched.pageErrors).toEqual([]);
});

test('without data-auto-page no page view is recorded on load or navigation', async ({ page, site }) => {
  await page.goto(site.file('/manual.html', tagPage(site)));
  await page.waitForFunction(() => window.tidemark?.client !== undefined);
  await step(page, () => history.pushState(null, '', '/elsewhere'));
  await page.evaluate(async () => {
    window.tidemark.track('Manual');
    await window.tidemark.flush();
  });
  expect(stored(site).map((e) => e.event ?? e.type)).toEqual(['session_start', 'Manual']);
});
