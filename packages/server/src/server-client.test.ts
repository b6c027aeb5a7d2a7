import { TidemarkError, type TidemarkEvent } from '@tidemark/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createServerClient } from './create-server-client.js';
import type { ServerClient } from './server-client.js';
import type { ServerClientOptions } from './server-options.js';
import { LIMITS } from '@tidemark/protocol';
import { type FakeCollector, ManualClock, startFakeCollector } from '@tidemark/test-kit';

/** Events per request, at most. */
const BATCH = LIMITS.maxBatchEvents;

const BROWSER_AID = 'V1StGXR8_Z5jdHi6B-myT';
let server: FakeCollector;
let clients: ServerClient[];
let errors: TidemarkError[];

beforeEach(async () => {
  server = await startFakeCollector();
  clients = [];
  errors = [];
});
afterEach(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await server.close();
});

function client(options: ServerClientOptions = {}): ServerClient {
  const made = createServerClient({ writeKey: 'wk_test', host: server.url, flushInterval: 0, onError: (e) => errors.push(e), ...options });
  clients.push(made);
  return made;
}

const byEvent = (name: string): TidemarkEvent | undefined => server.events.find((e) => e.event === name);

describe('the server client on the wire', () => {
  it('posts the batch format with Basic auth and sentAt', async () => {
    const tm = client();
    await tm.track({ event: 'Purchase Completed', userId: 'user_123', anonymousId: BROWSER_AID, properties: { amount: 99.99, currency: 'USD' } });
    await tm.flush();
    const [request] = server.requests;
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
    const viaFetch = client({ fetch: globalThis.fetch });
    const viaNode = client();
    await viaFetch.track({ event: 'Via fetch', properties: { text: 'é€😀' } });
    await viaNode.track({ event: 'Via node:http', properties: { text: 'é€😀' } });
    await Promise.all([viaFetch.flush(), viaNode.flush()]);
    expect(server.events.map((e) => [e.event, e.properties?.text]).sort()).toEqual([['Via fetch', 'é€😀'], ['Via node:http', 'é€😀']]);
    expect(server.requests.map((r) => r.headers.authorization)).toEqual([`Basic ${Buffer.from('wk_test:').toString('base64')}`, `Basic ${Buffer.from('wk_test:').toString('base64')}`]);
  });

  it('accepts the legacy form, with null for anonymous events', async () => {
    const tm = client();
    await tm.track('user_123', 'signup_completed', { plan: 'pro' });
    await tm.track(null, 'page_loaded', { url: '/pricing' });
    await tm.flush();
    expect(byEvent('signup_completed')).toMatchObject({ userId: 'user_123', anonymousId: tm.getAnonymousId(), properties: { plan: 'pro', anonymous_id: tm.getAnonymousId() } });
    expect(byEvent('page_loaded')?.userId).toBeUndefined();
    expect(byEvent('page_loaded')?.anonymousId).toBe(tm.getAnonymousId());
  });

  it('sends identify, page, group and alias in the Segment shape', async () => {
    const tm = client();
    await tm.identify('user_123', { email: 'jane@example.com' });
    await tm.page('user_123', 'Pricing', { url: 'https://example.com/pricing' });
    await tm.group('user_123', 'company_456', { name: 'Acme Corp' });
    await tm.alias('new_user_456');
    await tm.alias({ userId: 'new_user_789', previousId: 'old_user_123' });
    await tm.flush();
    const events = server.events;
    expect(events.map((e) => e.type)).toEqual(['identify', 'page', 'group', 'alias', 'alias']);
    expect(events[0]).toMatchObject({ userId: 'user_123', traits: { email: 'jane@example.com' } });
    expect(events[1]).toMatchObject({ userId: 'user_123', name: 'Pricing', properties: { url: 'https://example.com/pricing' } });
    expect(events[2]).toMatchObject({ userId: 'user_123', groupId: 'company_456', traits: { name: 'Acme Corp' } });
    expect(events[3]).toMatchObject({ userId: 'new_user_456', previousId: tm.getAnonymousId() });
    expect(events[4]).toMatchObject({ userId: 'new_user_789', previousId: 'old_user_123' });
    for (const event of events) expect(event.properties?.anonymous_id).toBe(event.anonymousId);
  });

  it('keeps a stable anonymous ID and never mutates the caller’s properties', async () => {
    const tm = client();
    const properties = { amount: 1 };
    await tm.track({ event: 'A', properties });
    expect(properties).toEqual({ amount: 1 });
    expect(tm.getAnonymousId()).toBe(tm.getAnonymousId());
    expect(tm.getAnonymousId()).toMatch(/^[A-Za-z0-9_-]{21}$/);
  });

  it('uses a given timestamp and messageId (idempotent webhooks)', async () => {
    const tm = client();
    await tm.track({ event: 'Order Paid', timestamp: new Date('2025-01-15T10:30:00Z'), messageId: 'evt_1NG8Du2eZvKYlo2C' });
    await tm.track({ event: 'Order Paid', timestamp: '2025-01-15T10:30:00Z', messageId: 'evt_1NG8Du2eZvKYlo2C' });
    await tm.flush();
    expect(server.events).toHaveLength(1);
    expect(server.events[0]).toMatchObject({ messageId: 'evt_1NG8Du2eZvKYlo2C', timestamp: '2025-01-15T10:30:00.000Z' });
  });

  it('flushes on its own when flushAt events are queued, packing one tick into full batches', async () => {
    const tm = client({ flushAt: 20 });
    const full = 2.5 * BATCH;
    for (let i = 0; i < full; i++) void tm.track({ event: 'Tick', properties: { i } });
    await server.waitFor(() => server.events.length === full);
    expect(server.requests.map((r) => r.body?.batch?.length)).toEqual([BATCH, BATCH, BATCH / 2]);
    for (let i = full; i < full + 15; i++) void tm.track({ event: 'Tick', properties: { i } });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(tm.stats().queued).toBe(15); // below flushAt: waits for the timer or flush()
    await tm.flush();
    expect(server.events.map((e) => e.properties?.i)).toEqual([...Array(full + 15).keys()]);
  });

  it('flushes on the flushInterval timer of the injected clock', async () => {
    const clock = new ManualClock();
    const tm = client({ clock, flushInterval: 10_000 });
    await tm.track({ event: 'Lonely' });
    clock.tick(9_999);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(server.requests).toHaveLength(0);
    clock.tick(1);
    await server.waitFor(() => server.events.length === 1);
    expect(byEvent('Lonely')).toBeDefined();
  });

  it('keeps requests in flight within maxConcurrentRequests', async () => {
    server.respond(async () => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      return { status: 200 };
    });
    const tm = client({ flushAt: 100, maxConcurrentRequests: 2, maxQueueSize: 12 * BATCH });
    for (let i = 0; i < 10 * BATCH; i++) void tm.track({ event: 'Load' });
    await tm.flush();
    expect(server.events).toHaveLength(10 * BATCH);
    expect(server.requests).toHaveLength(10);
    expect(server.peakConcurrency()).toBe(2);
  });

  it('runs 16 requests and their backoffs at once without listener-leak warnings', async () => {
    const warnings: string[] = [];
    const onWarning = (warning: Error): void => void warnings.push(warning.name);
    process.on('warning', onWarning);
    server.respond(async (_request, index) => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      return { status: index < 16 ? 503 : 200 };
    });
    const clock = new ManualClock();
    const tm = client({ clock, flushAt: 100, maxConcurrentRequests: 16, maxQueueSize: 20 * BATCH });
    for (let i = 0; i < 16 * BATCH; i++) void tm.track({ event: 'Load' });
    const flushed = tm.flush();
    await server.waitFor(() => server.requests.length === 16);
    await clock.waitForTimer(1_000);
    await new Promise((resolve) => setTimeout(resolve, 50));
    clock.tick(1_000);
    await flushed;
    await new Promise((resolve) => setImmediate(resolve));
    process.off('warning', onWarning);
    expect(server.events).toHaveLength(16 * BATCH);
    expect(server.peakConcurrency()).toBe(16);
    expect(warnings).toEqual([]);
  });

  it('splits requests before 500 KB', async () => {
    const tm = client({ flushAt: 100 });
    const blob = 'x'.repeat(20_000);
    for (let i = 0; i < 60; i++) void tm.track({ event: 'Big', properties: { blob } });
    await tm.flush();
    expect(server.events).toHaveLength(60);
    for (const request of server.requests) expect(Buffer.byteLength(request.raw)).toBeLessThanOrEqual(500 * 1024);
    expect(server.requests.length).toBeGreaterThanOrEqual(3);
  });
});

describe('bad input', () => {
  it('reports and drops what cannot be an event, and sends the rest', async () => {
    const tm = client();
    const calls: Array<() => unknown> = [
      () => tm.track({ event: '' }),
      () => tm.track({ event: 'x'.repeat(201) }),
      () => tm.track({ event: 'Ok', properties: 'nope' as never }),
      () => tm.track({ event: 'Ok', timestamp: 'yesterday' }),
      () => tm.track({ event: 'Ok', userId: {} as never }),
      () => tm.track({ event: 'Ok', messageId: 'short' }),
      () => tm.track(undefined as never, 'x'),
      () => (tm.track as (...a: unknown[]) => unknown)(),
      () => tm.group('u1', '' as never),
      () => tm.alias(null as never),
      () => (tm.identify as (...a: unknown[]) => unknown)(),
    ];
    for (const call of calls) expect(call).not.toThrow();
    await tm.track({ event: 'Survivor' });
    await tm.flush();
    expect(server.events.map((e) => e.event)).toEqual(['Survivor']);
    expect(errors).toHaveLength(calls.length);
    expect(errors.every((e) => e instanceof TidemarkError && e.code === 'invalid_event')).toBe(true);
    expect(tm.stats().invalid).toBe(calls.length);
  });

  it('ignores a forged anonymousId, keeps the event under the fallback ID, and never sends the forgery', async () => {
    const tm = client();
    const forged = 'abcdefgh\r\nX-Injected: 1';
    await tm.track({ event: 'Checkout', anonymousId: forged });
    await tm.track({ event: 'Huge', anonymousId: 'a'.repeat(10_000) });
    await tm.flush();
    expect(byEvent('Checkout')?.anonymousId).toBe(tm.getAnonymousId());
    expect(server.requests[0]?.raw).not.toContain('X-Injected');
    expect(server.requests[0]?.raw).not.toContain('a'.repeat(100));
    expect(errors.map((e) => e.message)).toEqual([expect.stringContaining('invalid_characters'), expect.stringContaining('too_long')]);
  });

  it('refuses a 32 KB event alone and delivers its neighbours', async () => {
    const tm = client();
    await tm.track({ event: 'Before' });
    await tm.track({ event: 'Huge', properties: { blob: 'x'.repeat(40_000) } });
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    await tm.track({ event: 'Circular', properties: circular });
    await tm.track({ event: 'After' });
    await tm.flush();
    expect(server.events.map((e) => e.event)).toEqual(['Before', 'After']);
    expect(errors.map((e) => e.code).sort()).toEqual(['event_too_large', 'invalid_event']);
    expect(tm.stats()).toMatchObject({ delivered: 2, rejected: 2 });
  });
});

describe('debug logging', () => {
  it('logs each distinct problem once and never a forged value', async () => {
    const lines: string[] = [];
    const logger = { info: (line: string) => lines.push(`info ${line}`), warn: (line: string) => lines.push(`warn ${line}`), error: (line: string) => lines.push(`error ${line}`) };
    const tm = client({ debug: true, logger });
    for (let i = 0; i < 5; i++) await tm.track({ event: 'Checkout', anonymousId: 'evil\r\nX-Injected: 1' });
    for (let i = 0; i < 5; i++) await tm.track({ event: '' });
    await tm.forRequest({ headers: { 'x-tidemark-anonymous-id': '\u001b[31mred' } }).track('Viewed');
    await tm.flush();
    const warnings = lines.filter((l) => l.startsWith('warn'));
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toContain('anonymousId was ignored (invalid_characters)');
    expect(lines.some((l) => l.includes('header x-tidemark-anonymous-id: invalid_characters'))).toBe(true);
    expect(lines.join('\n')).not.toMatch(/Injected|\u001b|\r/);
    expect(errors).toHaveLength(10); // onError hears every occurrence
  });
});

describe('collector answers', () => {
  it('halves a batch the collector calls bad until the bad event stands alone', async () => {
    server.respond((request) => (request.body?.batch?.some((e) => e.properties?.poison) ? { status: 400 } : { status: 200 }));
    const tm = client();
    for (let i = 0; i < 10; i++) await tm.track({ event: 'E', properties: { i, poison: i === 6 } });
    await tm.flush();
    expect(server.events.map((e) => e.properties?.i)).toEqual([0, 1, 2, 3, 4, 5, 7, 8, 9]);
    expect(errors.map((e) => e.code)).toEqual(['rejected']);
    expect(tm.stats()).toMatchObject({ delivered: 9, rejected: 1, queued: 0 });
  });

  it('counts events a 200 lists as rejected', async () => {
    server.respond((request) => ({
      status: 200,
      body: JSON.stringify({ success: true, rejected: [{ messageId: request.body?.batch?.[1]?.messageId, reason: 'bad\u0000name' }] }),
    }));
    const tm = client();
    for (let i = 0; i < 3; i++) await tm.track({ event: `E${i}` });
    await tm.flush();
    expect(tm.stats()).toMatchObject({ delivered: 2, rejected: 1 });
    expect(errors[0]?.code).toBe('rejected');
    expect(errors[0]?.message).not.toContain('\u0000');
  });

  it('drops the oldest events over maxQueueSize and counts them', async () => {
    const drops: unknown[] = [];
    const tm = client({ flushAt: 100, maxQueueSize: 100, onDrop: (info) => drops.push(info) });
    for (let i = 0; i < 150; i++) void tm.track({ event: 'E', properties: { i } });
    await tm.flush();
    expect(tm.stats().dropped).toBe(50);
    expect(drops).toHaveLength(50);
    expect(drops[0]).toEqual({ reason: 'queue_full', count: 1 });
    expect(server.events.map((e) => e.properties?.i)).toEqual([...Array(100).keys()].map((i) => i + 50));
  });
});

describe('message IDs', () => {
  it('are unique within a client and across clients, and keep a hostile __proto__ as data', async () => {
    const a = client();
    const b = client();
    for (let i = 0; i < 300; i++) {
      void a.track({ event: 'A' });
      void b.track({ event: 'B' });
    }
    await a.track({ event: 'Proto', properties: JSON.parse('{"__proto__":{"polluted":true},"ok":1}') as Record<string, unknown> });
    await Promise.all([a.flush(), b.flush()]);
    const ids = server.events.map((e) => e.messageId);
    expect(new Set(ids).size).toBe(601);
    expect(ids.every((id) => /^[A-Za-z0-9_-]{13,23}$/.test(id))).toBe(true);
    const raw = server.requests.map((r) => r.raw).join('\n');
    expect(raw).toContain('"properties":{"__proto__":{"polluted":true},"ok":1,"anonymous_id"');
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
  });
});
