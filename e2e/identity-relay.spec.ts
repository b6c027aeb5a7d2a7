// One visitor across subdomains, and delivery through the first-party relay, in real
// Chromium: www.shop.test and app.shop.test (both 127.0.0.1, by the host-resolver rule of
// playwright.config.ts) share the anonymous ID and session through the parent-domain cookie;
// events go to /t/batch on the page's own origin while the collector's origin is blocked for
// the page, and every one reaches the reference collector once, with the server's write key.
import { expect, test, type Page } from '@playwright/test';
import { PAGE_KEY, SERVER_KEY, startRelayShop, type RelayShop } from './support/relay-shop.js';

let shop: RelayShop;
test.beforeEach(async () => {
  shop = await startRelayShop();
});
test.afterEach(() => shop.close());

const open = (page: Page, sub: string, cfg: Record<string, unknown> = { cookie: true }) =>
  page.goto(`${shop.origin(sub)}/page.html?cfg=${encodeURIComponent(JSON.stringify(cfg))}`);
const visitor = (page: Page) => page.evaluate(() => ({ anonymousId: window.tm.getAnonymousId(), sessionId: window.tm.getSessionId() }));

test('www. and app. are one visitor and one session; the server re-issues the cookie for 400 days', async ({ page, context }) => {
  await open(page, 'www');
  const www = await visitor(page);
  await page.evaluate(() => window.tm.track('On www'));
  await open(page, 'app');
  const app = await visitor(page);
  expect(app).toEqual(www);
  // app.'s own storage was empty: the ID came from the Domain=shop.test cookie, which
  // the page response re-issued from the server.
  const cookies = await context.cookies(shop.origin('app'));
  const aid = cookies.find((c) => c.name === 'tm_aid')!;
  expect(aid).toMatchObject({ value: www.anonymousId, domain: '.shop.test', httpOnly: false, sameSite: 'Lax' });
  expect(aid.expires * 1000 - Date.now()).toBeGreaterThan(399 * 86_400_000);
  expect(cookies.find((c) => c.name === 'tm_sid')?.value).toBe(String(www.sessionId));
  await page.evaluate(async () => {
    window.tm.track('On app');
    await window.tm.flush();
  });
  await expect.poll(() => shop.stored(), { timeout: 10_000 }).toEqual(expect.arrayContaining(['On www', 'On app']));
  const events = await (await fetch(`${shop.collector.url}/v1/export/events?pageSize=100`, { headers: { authorization: 'Bearer rk_shop' } })).json() as { items: Array<{ name: string; anonymousId: string }> };
  expect(new Set(events.items.map((e) => e.anonymousId))).toEqual(new Set([www.anonymousId]));

  // Without the cookie option a subdomain keeps to its own storage: another visitor.
  await open(page, 'other', {});
  expect((await visitor(page)).anonymousId).not.toBe(www.anonymousId);
});

test('events reach the collector once through the relay while the collector’s origin is blocked', async ({ page, context }) => {
  const direct: string[] = [];
  await context.route(`${shop.collector.url}/**`, (route) => {
    direct.push(route.request().url());
    return route.abort();
  });
  // A minute's flush interval: the 40 tracked before the navigation wait for the page-hide
  // path, however long the navigation takes (with 250 ms, a slow one let the timer send them).
  await open(page, 'www', { cookie: true, flushInterval: 60_000 });
  await page.evaluate(() => {
    for (let i = 0; i < 30; i++) window.tm.track(`relay-${i}`, { i });
  });
  await page.evaluate(() => window.tm.flush());
  // 40 more, then navigate at once: the page-hide path sends them as text/plain keepalive
  // requests (the write key in the body), and the next page asks /t/receipts before re-sending.
  await page.evaluate(() => {
    for (let i = 30; i < 70; i++) window.tm.track(`relay-${i}`, { i });
  });
  await open(page, 'www');
  const expected = Array.from({ length: 70 }, (_, i) => `relay-${i}`);
  await expect.poll(async () => (await shop.stored()).filter((n) => n.startsWith('relay-')).length, { timeout: 20_000 }).toBe(70);
  await page.waitForTimeout(3_000); // a re-send after the receipts grace would land by now
  expect((await shop.stored()).filter((n) => n.startsWith('relay-')).sort()).toEqual(expected.sort());
  const copies = shop.forwarded.names.filter((n) => n.startsWith('relay-')).length - 70;
  const beacons = shop.contentTypes.filter((t) => t.startsWith('/t/batch text/plain')).length;
  const questions = shop.contentTypes.filter((t) => t.startsWith('/t/receipts')).length;
  console.log(`relay: 70 events, ${beacons} page-hide request(s), ${questions} receipts question(s), ${copies} copies on the collector's wire`);
  expect(copies).toBe(0);
  expect(beacons).toBeGreaterThan(0); // the page-hide path went through the relay too
  expect(new Set(shop.forwarded.authorizations)).toEqual(new Set([`Basic ${Buffer.from(`${SERVER_KEY}:`).toString('base64')}`]));
  expect(direct).toEqual([]);
});

test('hostile requests to the relay get a clear 4xx and nothing is forwarded', async ({ page }) => {
  await open(page, 'www');
  const answers = await page.evaluate(async (pageKey) => {
    const auth = { authorization: `Basic ${btoa(`${pageKey}:`)}`, 'content-type': 'application/json' };
    const batch = JSON.stringify({ batch: [{ type: 'track', event: 'x', messageId: 'hostile_message_000001' }] });
    const ask = async (init: RequestInit) => {
      const res = await fetch('/t/batch', init);
      return [res.status, ((await res.json()) as { status: number }).status];
    };
    return {
      badJson: await ask({ method: 'POST', headers: auth, body: '{"batch": [' }),
      tenMegabytes: await ask({ method: 'POST', headers: auth, body: 'x'.repeat(10 * 1024 * 1024) }),
      forgedKey: await ask({ method: 'POST', headers: { ...auth, authorization: `Basic ${btoa('wk_forged:')}` }, body: batch }),
      wrongType: await ask({ method: 'POST', headers: { ...auth, 'content-type': 'multipart/form-data; boundary=x' }, body: batch }),
      get: await ask({ method: 'GET' }),
    };
  }, PAGE_KEY);
  expect(answers).toEqual({ badJson: [400, 400], tenMegabytes: [413, 413], forgedKey: [401, 401], wrongType: [415, 415], get: [405, 405] });
  expect(shop.forwarded.names.filter((n) => n === 'x')).toEqual([]);
});
