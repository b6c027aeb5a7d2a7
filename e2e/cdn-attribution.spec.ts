// Attribution through the script tag: UTM parameters, click IDs, the referrer and the landing
// page captured at session start ride on later events after navigation and a reload, in a
// second tab of the same session, and the first touch outlives the session.
import { test, expect, tagPage, waitForEvents, watchPage, WRITE_KEY } from './support/cdn-fixture.js';
import type { TidemarkEvent } from '@tidemark/core';

const LANDING_QUERY = '?utm_source=news&utm_medium=email&utm_campaign=spring&utm_term=shoes&utm_content=hero&gclid=G1&fbclid=F1&ttclid=T1&msclkid=M1&li_fat_id=L1';
const CAMPAIGN = { source: 'news', medium: 'email', name: 'spring', term: 'shoes', content: 'hero' };
const CLICK_IDS = { gclid: 'G1', fbclid: 'F1', ttclid: 'T1', msclkid: 'M1', li_fat_id: 'L1' };

const viewOf = (path: string) => (e: TidemarkEvent) => e.type === 'page' && e.context.page?.path === path;

test('UTM parameters and click IDs of the landing URL stay on the session across navigation, reload and a second tab', async ({ page, context, site }) => {
  const watched = watchPage(page);
  const land = site.file('/land.html', tagPage(site, { 'data-auto-page': 'true' }));
  site.file('/next.html', tagPage(site, { 'data-auto-page': 'true' }));
  site.file('/tab.html', tagPage(site, { 'data-auto-page': 'true' }));

  await page.goto(`${land}${LANDING_QUERY}`, { referer: 'https://news.example/issue/7' });
  const [landing] = await waitForEvents(site, viewOf('/land.html'), 1);
  const touch = { campaign: CAMPAIGN, clickIds: CLICK_IDS, referrer: 'https://news.example/issue/7', landingPage: `${land}${LANDING_QUERY}` };
  expect(landing!.context).toMatchObject(touch);
  expect(landing!.context.firstTouch).toEqual({ ...touch, timestamp: new Date(landing!.context.sessionId).toISOString() });

  // A click to a page without parameters (referrer: our own landing page), then a reload of it.
  await page.goto(`${site.origin}/next.html`, { referer: `${land}${LANDING_QUERY}` });
  await page.reload();
  const next = await waitForEvents(site, viewOf('/next.html'), 2);
  // And a second tab of the same session.
  const tab = await context.newPage();
  await tab.goto(`${site.origin}/tab.html`);
  const [second] = await waitForEvents(site, viewOf('/tab.html'), 1);

  for (const event of [...next, second!]) {
    expect(event.context).toMatchObject(touch);
    expect(event.context.sessionId).toBe(landing!.context.sessionId);
    expect(event.context.firstTouch).toEqual(landing!.context.firstTouch);
    expect(event.anonymousId).toBe(landing!.anonymousId);
  }
  expect(next.map((e) => e.context.page?.search)).toEqual(['', '']);
  expect(site.server.events.filter((e) => e.event === 'session_start')).toHaveLength(1);
  expect(watched.pageErrors).toEqual([]);
});

test('a new session takes the touch of its own landing URL and keeps the first touch', async ({ page, site }) => {
  // A one-second session timeout (set in code), so the test can outlast it.
  site.file('/init.js', `tidemark.init({ writeKey: '${WRITE_KEY}', host: location.origin, autoPage: true, sessionTimeoutMs: 1000 });`);
  const url = site.file('/short.html', '<!doctype html><title>Short</title><script src="/sdk/tidemark.min.js"></script><script src="/init.js"></script>');
  await page.goto(`${url}?utm_source=news&gclid=G1`);
  const [first] = await waitForEvents(site, (e) => e.type === 'page', 1);
  await page.waitForTimeout(1_500);
  await page.goto(`${url}?utm_source=retarget&utm_campaign=winback`, { referer: 'https://ads.example/' });
  const views = await waitForEvents(site, (e) => e.type === 'page', 2);
  const later = views[1]!;
  expect(later.context.sessionId).toBeGreaterThan(first!.context.sessionId);
  expect(later.context.campaign).toEqual({ source: 'retarget', name: 'winback' });
  expect(later.context.clickIds).toBeUndefined();
  expect(later.context.referrer).toBe('https://ads.example/');
  expect(later.context.firstTouch).toMatchObject({ campaign: { source: 'news' }, clickIds: { gclid: 'G1' } });
  expect(site.server.events.filter((e) => e.event === 'session_start')).toHaveLength(2);
});
