// Backend attribution end to end: a visitor lands from a campaign in real Chromium, clicks
// Buy, the example backend tracks the purchase server-side, a payment webhook arrives later;
// in the reference collector every event sits under the browser's anonymous ID, the server's
// purchase in the browser's session, and the campaign joins them; the attribution report
// (both models) credits the purchase and its revenue to that campaign.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { startCollector, type RunningCollector } from '@tidemark/collector';
import { createExportClient } from '@tidemark/server';
import { startShop, type Shop } from './support/server-shop.js';

interface ExportedEvent {
  messageId: string;
  type: string;
  name: string | null;
  anonymousId: string;
  sessionId: number | string | null;
  event: { event?: string; name?: string; properties?: Record<string, unknown>; context: { sessionId: number; campaign?: Record<string, string>; library: { name: string } } };
}

/** The script tag's API, typed locally (the page is plain HTML). */
type PageWindow = Window & { tidemark: { getAnonymousId(): string | undefined; getSessionId(): number | undefined; flush(): Promise<unknown> } };

let dir: string;
let collector: RunningCollector;
let shop: Shop | undefined;
test.beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tidemark-server-e2e-'));
  collector = await startCollector({ port: 0, dbPath: join(dir, 'events.db'), writeKeys: ['wk_shop'], readKeys: ['rk_shop'], logger: { info() {}, warn() {}, error() {} } });
  shop = await startShop({ TIDEMARK_COLLECTOR_URL: collector.url, TIDEMARK_WRITE_KEY: 'wk_shop' });
});
test.afterEach(async () => {
  await shop?.stop();
  await collector.close();
  await rm(dir, { recursive: true, force: true });
});

/** Every event in the collector, through the export client and its cursor pages. */
async function exported(): Promise<ExportedEvent[]> {
  const run = createExportClient({ host: collector.url, readKey: 'rk_shop' }).pages<ExportedEvent>('events', { pageSize: 50 });
  const events: ExportedEvent[] = [];
  for await (const page of run) events.push(...page.items);
  return events;
}

test('the server-side purchase and webhook join the browser visitor, session and campaign', async ({ page, request }) => {
  const cookieHeaders: string[] = [];
  const sends: string[] = [];
  const issued: Array<string | null> = [];
  page.on('response', (r) => {
    if (r.url().endsWith('/api/purchase')) void r.headerValue('set-cookie').then((v) => issued.push(v));
  });
  page.on('request', (r) => {
    if (r.url().endsWith('/api/purchase')) void r.allHeaders().then((h) => cookieHeaders.push(h.cookie ?? ''));
    if (r.method() === 'POST' && /\/(batch|receipts)$/.test(r.url())) sends.push(r.url());
  });
  await page.goto(`${shop!.url}/?utm_source=newsletter&utm_medium=email&utm_campaign=spring&gclid=G-123`);
  const visitor = await page.evaluate(() => {
    const { tidemark } = window as unknown as PageWindow;
    return { anonymousId: tidemark.getAnonymousId()!, sessionId: tidemark.getSessionId()! };
  });
  expect(visitor.anonymousId).toMatch(/^[A-Za-z0-9_-]{8,64}$/);

  await page.click('#buy');
  await expect(page.locator('#result')).toContainText('Thank you! Order order_');
  await page.evaluate(() => (window as unknown as PageWindow).tidemark.flush());
  // cookie: true mirrored the ID into a first-party cookie that the backend call carried too,
  // and the backend's answer re-issued it (issueCookies), past Safari's cap on script cookies.
  expect(cookieHeaders.join(';')).toContain(`tm_aid=${visitor.anonymousId}`);
  expect(issued.join('\n')).toContain(`tm_aid=${visitor.anonymousId}; Max-Age=34560000`);
  // The page sent through the example's relay on its own origin, never to the collector.
  expect(sends.length).toBeGreaterThan(0);
  expect(sends.filter((url) => url !== `${shop!.url}/t/batch`)).toEqual([]);

  // The payment provider's webhook, twice (providers redeliver), with the reference field.
  const webhook = {
    id: 'evt_1NG8Du2eZvKYlo2C',
    type: 'checkout.session.completed',
    data: { object: { id: 'cs_test_1', client_reference_id: visitor.anonymousId, amount_total: 4900, currency: 'eur' } },
  };
  for (let i = 0; i < 2; i++) {
    const res = await request.post(`${shop!.url}/webhooks/payment`, { data: webhook });
    expect(await res.json()).toEqual({ received: true, attributed: true });
  }
  // A forged reference is not attributed and never reaches the collector.
  const forged = { ...webhook, id: 'evt_forged_000001', data: { object: { ...webhook.data.object, client_reference_id: 'x\r\nSet-Cookie: a=1' } } };
  expect(await (await request.post(`${shop!.url}/webhooks/payment`, { data: forged })).json()).toEqual({ received: true, attributed: false });

  // Shutting the backend down flushes its queue (close() within 5 s).
  expect(await shop!.stop()).toBe(0);
  expect(shop!.output()).toMatch(/tidemark: \d+ events delivered on shutdown, 0 dropped/);

  const events = await exported();
  const landing = events.find((e) => e.type === 'page' && e.anonymousId === visitor.anonymousId);
  const purchase = events.find((e) => e.event.event === 'Purchase Completed');
  const paid = events.filter((e) => e.event.event === 'Order Paid');
  expect(landing?.event.context.campaign).toMatchObject({ source: 'newsletter', medium: 'email', name: 'spring' });
  expect(purchase).toMatchObject({ anonymousId: visitor.anonymousId, event: { properties: { anonymous_id: visitor.anonymousId, sku: 'boots', amount: 49 }, context: { sessionId: visitor.sessionId, library: { name: '@tidemark/server' } } } });
  expect(Number(purchase?.sessionId)).toBe(visitor.sessionId);
  expect(paid.map((e) => [e.messageId, e.anonymousId])).toEqual([
    ['evt_1NG8Du2eZvKYlo2C', visitor.anonymousId],
    ['evt_forged_000001', expect.not.stringContaining('\n')],
  ]);
  expect(JSON.stringify(events)).not.toContain('Set-Cookie');

  // The join an analyst makes: the campaign of the session the purchase happened in.
  const campaignOfPurchase = events.find((e) => e.anonymousId === purchase?.anonymousId && Number(e.sessionId) === Number(purchase?.sessionId) && e.event.context.campaign)?.event.context.campaign;
  expect(campaignOfPurchase?.source).toBe('newsletter');

  // The same answer without SQL: the collector's attribution report credits the backend
  // purchase (joined through the visitor's anonymous ID) to the campaign, under both models.
  const reports = createExportClient({ host: collector.url, readKey: 'rk_shop' });
  const today = new Date();
  for (const model of ['first_touch', 'last_touch'] as const) {
    const report = await reports.attribution({ start: today, end: today, model, conversion: 'Purchase Completed', value: 'amount' });
    expect(report.rows).toEqual([
      expect.objectContaining({ source: 'newsletter', medium: 'email', campaign: 'spring', clickIdKind: 'gclid', visitors: 1, sessions: 1, conversions: 1, value: 49 }),
    ]);
  }
});
