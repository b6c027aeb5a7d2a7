// The collector's live dashboard in real Chromium: data shows up, live events arrive over
// the WebSocket, and hostile event names and properties render as text, running nothing —
// checked with the page's CSP bypassed, so the rendering itself is what is tested.
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { basic, loadCollector, removeTempDirs, tempDir, trackEvent } from './support/collector-process.js';

type Running = Awaited<ReturnType<Awaited<ReturnType<typeof loadCollector>>['startCollector']>>;
let collector: Running;

test.use({ bypassCSP: true });
test.beforeEach(async () => {
  const { startCollector } = await loadCollector();
  collector = await startCollector({ port: 0, dbPath: join(tempDir(), 'events.db'), writeKeys: ['wk'], readKeys: ['rk'] });
});
test.afterEach(async () => {
  await collector.close();
  removeTempDirs();
});

const HOSTILE = '<img src=x onerror="window.__pwned=1">';
const SCRIPT = '<script>window.__pwned=2</script>';

async function send(events: Array<Record<string, unknown>>): Promise<void> {
  const res = await fetch(`${collector.url}/v1/batch`, { method: 'POST', headers: { authorization: basic('wk') }, body: JSON.stringify({ batch: events }) });
  expect(res.status).toBe(200);
}

/** Fail the test on any dialog, and report whether an injected handler ran. */
function watch(page: Page): { dialogs: string[] } {
  const seen = { dialogs: [] as string[] };
  page.on('dialog', (dialog) => {
    seen.dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  return seen;
}

test('shows stored counts and a chart, and renders hostile names as text', async ({ page }) => {
  await send([trackEvent(HOSTILE, { note: SCRIPT }), trackEvent(HOSTILE), trackEvent('Signed Up')]);
  const seen = watch(page);
  await page.goto(`${collector.url}/#key=rk`);
  await expect(page.locator('#status')).toHaveText('live');
  const counts = page.locator('#counts tr');
  await expect(counts).toHaveCount(2);
  await expect(counts.nth(0).locator('td').nth(0)).toHaveText(HOSTILE);
  await expect(counts.nth(0).locator('td').nth(1)).toHaveText('2');
  await expect(page.locator('#stat-totalEvents')).toHaveText('3');
  await expect(page.locator('#chart svg rect.bar')).toHaveCount(30);
  for (const group of ['week', 'month']) {
    await page.selectOption('#group', group);
    await expect(page.locator('#chart svg rect.bar')).toHaveCount(12);
  }
  expect(await page.locator('img, script:not([src])').count()).toBe(0);
  expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
  expect(seen.dialogs).toEqual([]);
});

test('shows events arriving live, hostile ones as text', async ({ page }) => {
  const seen = watch(page);
  await page.goto(`${collector.url}/#key=rk`);
  await expect(page.locator('#status')).toHaveText('live');
  await send([trackEvent(SCRIPT, { html: HOSTILE }), trackEvent('Checkout Started', { total: 42 })]);
  const live = page.locator('#events li');
  await expect(live).toHaveCount(2);
  await expect(live.nth(1).locator('.name')).toHaveText(SCRIPT);
  await expect(live.nth(1).locator('code')).toHaveText(JSON.stringify({ html: HOSTILE }));
  await expect(live.nth(0).locator('.name')).toHaveText('Checkout Started');
  await expect(page.locator('#counts tr')).toHaveCount(2);
  await expect(page.locator('#stat-totalEvents')).toHaveText('2');
  expect(await page.locator('img, script:not([src])').count()).toBe(0);
  expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
  expect(seen.dialogs).toEqual([]);
});

test('asks for a read key, refuses a wrong one, and sends a strict CSP', async ({ page }) => {
  const res = await page.goto(`${collector.url}/`);
  expect(res?.headers()['content-security-policy']).toContain("script-src 'self'");
  await expect(page.locator('#login')).toBeVisible();
  await page.fill('#key', 'wrong');
  await page.click('#login button');
  await expect(page.locator('#status')).toHaveText('The read key was refused.');
  await page.fill('#key', 'rk');
  await page.click('#login button');
  await expect(page.locator('#status')).toHaveText('live');
  await expect(page.locator('#login')).toBeHidden();
});

test('shows the Campaigns, Funnel and Journey panels, a hostile campaign as text', async ({ page }) => {
  const now = Date.now();
  const at = (offsetMs: number) => new Date(now - 60_000 + offsetMs).toISOString();
  const context = { library: { name: 'tidemark', version: '1' }, sessionId: now, campaign: { source: HOSTILE, medium: 'email', name: SCRIPT }, clickIds: { gclid: 'G-1' } };
  const server = { library: { name: '@tidemark/server', version: '1' }, sessionId: now };
  const purchase = { type: 'track', messageId: 'evt-paid-1', timestamp: at(3000), anonymousId: 'srv-anon-1', userId: 'u-1', event: 'Order Completed', properties: { revenue: 20 }, context: server };
  await send([
    { type: 'page', messageId: 'e2e-p1', timestamp: at(0), anonymousId: 'anon-e2e', context },
    { type: 'identify', messageId: 'e2e-i1', timestamp: at(1000), anonymousId: 'anon-e2e', userId: 'u-1', context },
    purchase,
  ]);
  await send([purchase]); // the webhook again: counted once
  const seen = watch(page);
  await page.goto(`${collector.url}/#key=rk&user_id=u-1&steps=page,Order%20Completed`);
  const campaigns = page.locator('#campaigns tr');
  await expect(campaigns).toHaveCount(2);
  const cells = campaigns.nth(1).locator('td');
  await expect(cells.nth(0)).toHaveText(HOSTILE);
  await expect(cells.nth(1)).toHaveText('email');
  await expect(cells.nth(2)).toHaveText(SCRIPT);
  await expect(cells.nth(3)).toHaveText('gclid');
  await expect(cells.nth(7)).toHaveText('1');
  await expect(cells.nth(8)).toHaveText('20');
  await page.selectOption('#model', 'first_touch');
  await expect(campaigns.nth(1).locator('td').nth(7)).toHaveText('1');
  const funnel = page.locator('#funnel tr');
  await expect(funnel).toHaveCount(3);
  await expect(funnel.nth(2).locator('td')).toHaveText(['Order Completed', '1', '100 %']);
  await expect(page.locator('#journey-ids')).toContainText('u-1');
  await expect(page.locator('#journey-sessions tr').nth(1).locator('td').nth(3)).toHaveText(HOSTILE);
  await expect(page.locator('#journey-events tr')).toHaveCount(4);
  await expect(page.locator('#journey-events tr').nth(3).locator('td').nth(2)).toHaveText('backend');
  // A visitor in the live feed opens their journey.
  await expect(page.locator('#status')).toHaveText('live');
  await send([{ type: 'track', messageId: 'e2e-live-1', timestamp: new Date().toISOString(), anonymousId: 'anon-live-2', event: 'Viewed', context }]);
  await page.locator('#events .who', { hasText: 'anon-live-2' }).click();
  await expect(page.locator('#journey-ids')).toHaveText('user IDs: — · anonymous IDs: anon-live-2');
  await expect(page.locator('#journey-events tr').nth(1).locator('td').nth(1)).toHaveText('Viewed');
  // A refused report says why, in the panel, as text.
  await page.fill('#steps', Array(21).fill('a').join(','));
  await page.click('#funnel-form button');
  await expect(page.locator('#funnel .error')).toHaveText('steps must name at most 20 events (got 21)');
  expect(await page.locator('img, script:not([src])').count()).toBe(0);
  expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
  expect(seen.dialogs).toEqual([]);
});
