import { describe, expect, it } from 'vitest';
import { wireClientFixture } from './test-support/wire-client.js';
import { LIMITS } from '@tidemark/protocol';
import { ManualClock } from '@tidemark/test-kit';

/** Events per request, at most. */
const BATCH = LIMITS.maxBatchEvents;

const BROWSER_AID = 'V1StGXR8_Z5jdHi6B-myT';
const wire = wireClientFixture();

describe('the server client on the wire', () => {
  it('posts the batch format with Basic auth and sentAt', async () => {
    const tm = wire.client();
    await tm.track({ event: 'Purchase Completed', userId: 'user_123', anonymousId: BROWSER_AID, properties: { amount: 99.99, currency: 'USD' } });
    await tm.flush();
    const [request] = wire.server.requests;
    expect(request?.method).toBe('POST');
    expect(request?.url).toBe('/v1/batch');
    expect(request?.headers.authorization).toBe(`Basic ${Buffer.from('wk_test:').toString('base64')}`);
    expect(request?.headers['content-type']).toBe('application/json');
    expect(Date.parse(request?.body?.sentAt ?? '')).toBeGreaterThan(0);
    const event = request?.body?.batch?.[0];
    expect(event).toMatchObject({
      type: 'track', event: 'Purchase Completed', userId: 'user_123', anonymousId: BROWSER_AID,
      properties: { amount: 99.99, currency: 'USD', anonymous_id: BROWSER_AID },
      context: { library: { name: '@tidemark/server', version: '0.1.0' }, sessionId: -1 },
    });
    expect(event?.messageId).toMatch(/^[A-Za-z0-9_-]{13,23}$/);
    expect(Date.parse(event?.timestamp ?? '')).toBeGreaterThan(Date.now() - 60_000);
  });

  it('delivers through the global fetch as well as through the default node:http POST', async () => {
    const viaFetch = wire.client({ fetch: globalThis.fetch });
    const viaNode = wire.client();
    await viaFetch.track({ event: 'Via fetch', properties: { text: 'é€😀' } });
    await viaNode.track({ event: 'Via node:http', properties: { text: 'é€😀' } });
    await Promise.all([viaFetch.flush(), viaNode.flush()]);
    expect(wire.server.events.map((e) => [e.event, e.properties?.text]).sort()).toEqual([['Via fetch', 'é€😀'], ['Via node:http', 'é€😀']]);
    expect(wire.server.requests.map((r) => r.headers.authorization)).toEqual([`Basic ${Buffer.from('wk_test:').toString('base64')}`, `Basic ${Buffer.from('wk_test:').toString('base64')}`]);
  });

  it('accepts the legacy form, with null for anonymous events', async () => {
    const tm = wire.client();
    await tm.track('user_123', 'signup_completed', { plan: 'pro' });
    await tm.track(null, 'page_loaded', { url: '/pricing' });
    await tm.flush();
    expect(wire.byEvent('signup_completed')).toMatchObject({ userId: 'user_123', anonymousId: tm.getAnonymousId(), properties: { plan: 'pro', anonymous_id: tm.getAnonymousId() } });
    expect(wire.byEvent('page_loaded')?.userId).toBeUndefined();
    expect(wire.byEvent('page_loaded')?.anonymousId).toBe(tm.getAnonymousId());
  });

  it('sends identify, page, group and alias in the Segment shape', async () => {
    const tm = wire.client();
    await tm.identify('user_123', { email: 'jane@example.com' });
    await tm.page('user_123', 'Pricing', { url: 'https://example.com/pricing' });
    await tm.group('user_123', 'company_456', { name: 'Acme Corp' });
    await tm.alias('new_user_456');
    await tm.alias({ userId: 'new_user_789', previousId: 'old_user_123' });
    await tm.flush();
    const events = wire.server.events;
    expect(events.map((e) => e.type)).toEqual(['identify', 'page', 'group', 'alias', 'alias']);
    expect(events[0]).toMatchObject({ userId: 'user_123', traits: { email: 'jane@example.com' } });
    expect(events[1]).toMatchObject({ userId: 'user_123', name: 'Pricing', properties: { url: 'https://example.com/pricing' } });
    expect(events[2]).toMatchObject({ userId: 'user_123', groupId: 'company_456', traits: { name: 'Acme Corp' } });
    expect(events[3]).toMatchObject({ userId: 'new_user_456', previousId: tm.getAnonymousId() });
    expect(events[4]).toMatchObject({ userId: 'new_user_789', previousId: 'old_user_123' });
    for (const event of events) expect(event.properties?.anonymous_id).toBe(event.anonymousId);
  });

  it('keeps a stable anonymous ID and never mutates the caller’s properties', async () => {
    const tm = wire.client();
    const properties = { amount: 1 };
    await tm.track({ event: 'A', properties });
    expect(properties).toEqual({ amount: 1 });
    expect(tm.getAnonymousId()).toBe(tm.getAnonymousId());
    expect(tm.getAnonymousId()).toMatch(/^[A-Za-z0-9_-]{21}$/);
  });

  it('uses a given timestamp and messageId (idempotent webhooks)', async () => {
    const tm = wire.client();
    await tm.track({ event: 'Order Paid', timestamp: new Date('2025-01-15T10:30:00Z'), messageId: 'evt_1NG8Du2eZvKYlo2C' });
    await tm.track({ event: 'Order Paid', timestamp: '2025-01-15T10:30:00Z', messageId: 'evt_1NG8Du2eZvKYlo2C' });
    await tm.flush();
    expect(wire.server.events).toHaveLength(1);
    expect(wire.server.events[0]).toMatchObject({ messageId: 'evt_1NG8Du2eZvKYlo2C', timestamp: '2025-01-15T10:30:00.000Z' });
  });

  it('flushes on its own when flushAt events are queued, packing one tick into full batches', async () => {
    const tm = wire.client({ flushAt: 20 });
    const full = 2.5 * BATCH;
    for (let i = 0; i < full; i++) void tm.track({ event: 'Tick', properties: { i } });
    await wire.server.waitFor(() => wire.server.events.length === full);
    expect(wire.server.requests.map((r) => r.body?.batch?.length)).toEqual([BATCH, BATCH, BATCH / 2]);
    for (let i = full; i < full + 15; i++) void tm.track({ event: 'Tick', properties: { i } });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(tm.stats().queued).toBe(15); // below flushAt: waits for the timer or flush()
    await tm.flush();
    expect(wire.server.events.map((e) => e.properties?.i)).toEqual([...Array(full + 15).keys()]);
  });

  it('flushes on the flushInterval timer of the injected clock', async () => {
    const clock = new ManualClock();
    const tm = wire.client({ clock, flushInterval: 10_000 });
    await tm.track({ event: 'Lonely' });
    clock.tick(9_999);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(wire.server.requests).toHaveLength(0);
    clock.tick(1);
    await wire.server.waitFor(() => wire.server.events.length === 1);
    expect(wire.byEvent('Lonely')).toBeDefined();
  });

  it('keeps requests in flight within maxConcurrentRequests', async () => {
    wire.server.respond(async () => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      return { status: 200 };
    });
    const tm = wire.client({ flushAt: 100, maxConcurrentRequests: 2, maxQueueSize: 12 * BATCH });
    for (let i = 0; i < 10 * BATCH; i++) void tm.track({ event: 'Load' });
    await tm.flush();
    expect(wire.server.events).toHaveLength(10 * BATCH);
    expect(wire.server.requests).toHaveLength(10);
    expect(wire.server.peakConcurrency()).toBe(2);
  });

  it('runs 16 requests and their backoffs at once without listener-leak warnings', async () => {
    const warnings: string[] = [];
    const onWarning = (warning: Error): void => void warnings.push(warning.name);
    process.on('warning', onWarning);
    wire.server.respond(async (_request, index) => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      return { status: index < 16 ? 503 : 200 };
    });
    const clock = new ManualClock();
    const tm = wire.client({ clock, flushAt: 100, maxConcurrentRequests: 16, maxQueueSize: 20 * BATCH });
    for (let i = 0; i < 16 * BATCH; i++) void tm.track({ event: 'Load' });
    const flushed = tm.flush();
    await wire.server.waitFor(() => wire.server.requests.length === 16);
    await clock.waitForTimer(1_000);
    await new Promise((resolve) => setTimeout(resolve, 50));
    clock.tick(1_000);
    await flushed;
    await new Promise((resolve) => setImmediate(resolve));
    process.off('warning', onWarning);
    expect(wire.server.events).toHaveLength(16 * BATCH);
    expect(wire.server.peakConcurrency()).toBe(16);
    expect(warnings).toEqual([]);
  });

  it('splits requests before 500 KB', async () => {
    const tm = wire.client({ flushAt: 100 });
    const blob = 'x'.repeat(20_000);
    for (let i = 0; i < 60; i++) void tm.track({ event: 'Big', properties: { blob } });
    await tm.flush();
    expect(wire.server.events).toHaveLength(60);
    for (const request of wire.server.requests) expect(Buffer.byteLength(request.raw)).toBeLessThanOrEqual(500 * 1024);
    expect(wire.server.requests.length).toBeGreaterThanOrEqual(3);
  });
});
