import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TidemarkEvent } from '@tidemark/core';
import { LIMITS } from '@tidemark/protocol';
import { httpTransport } from './http-transport.js';
import { type FakeCollector, startFakeCollector } from '@tidemark/test-kit';

const ctx = { writeKey: 'wk_test' };
let n = 0;
const ev = (props: Record<string, unknown> = {}, name = 'e'): TidemarkEvent => ({
  type: 'track', event: name, messageId: `m${++n}`, timestamp: new Date().toISOString(), anonymousId: 'anon-123456',
  properties: props as never, context: { library: { name: 'test', version: '0' }, sessionId: 1 },
});

let server: FakeCollector;
beforeEach(async () => {
  server = await startFakeCollector({ writeKey: 'wk_test' });
});
afterEach(() => server.close());

describe('httpTransport', () => {
  it('posts { batch, sentAt } with Basic auth and reports every event delivered', async () => {
    const events = [ev(), ev()];
    const result = await httpTransport({ host: server.url }).send(events, ctx);
    expect(result).toEqual({ delivered: events.map((e) => e.messageId), rejected: [] });
    const [req] = server.requests;
    expect(req!.authorization).toBe(`Basic ${Buffer.from('wk_test:').toString('base64')}`);
    expect(req!.contentType).toBe('application/json');
    expect(server.events.map((e) => e.messageId)).toEqual(events.map((e) => e.messageId));
  });

  it('sends the context its events share once, at the batch level, and each differing one in its event', async () => {
    const events = [ev(), ev(), ev()];
    await httpTransport({ host: server.url }).send(events, ctx);
    const [shared] = server.requests;
    expect(shared!.body!.context).toEqual(events[0]!.context);
    expect(shared!.body!.batch!.map((e) => e.context)).toEqual([undefined, undefined, undefined]);
    expect(server.events).toEqual(events);
    const other = { ...ev(), context: { ...events[0]!.context, sessionId: 2 } };
    await httpTransport({ host: server.url }).send([ev(), other], ctx);
    expect(server.requests[1]!.body!.context).toBeUndefined();
    expect(server.requests[1]!.body!.batch![1]!.context.sessionId).toBe(2);
  });

  it('names the options a service worker rebuilds it from: the strings, never headers or fetch', () => {
    expect(httpTransport({ host: server.url }).workerParams).toEqual({ host: server.url });
    const custom = httpTransport({ host: server.url, path: '/ingest', receiptsPath: '/ingest/receipts', headers: { 'x-a': '1' }, compress: true });
    expect(custom.workerParams).toEqual({ host: server.url, path: '/ingest', receiptsPath: '/ingest/receipts' });
  });

  it('splits into requests of at most 500 events and 500 KB', async () => {
    const batch = LIMITS.maxBatchEvents;
    const many = Array.from({ length: 2.5 * batch }, () => ev());
    await httpTransport({ host: server.url }).send(many, ctx);
    expect(server.requests.map((r) => r.events.length).sort((a, b) => b - a)).toEqual([batch, batch, batch / 2]);
    const big = Array.from({ length: 40 }, () => ev({ pad: 'x'.repeat(30_000) }));
    server.requests.length = 0;
    await httpTransport({ host: server.url }).send(big, ctx);
    expect(server.requests.length).toBeGreaterThan(2);
    for (const r of server.requests) expect(r.bytes).toBeLessThanOrEqual(500 * 1024);
    expect(server.events).toHaveLength(2.5 * batch + 40);
  });

  it('isolates a poisoned event on 400 so only it is rejected', async () => {
    const events = Array.from({ length: 20 }, () => ev());
    server.poison.add(events[13]!.messageId);
    const result = await httpTransport({ host: server.url }).send(events, ctx);
    expect(result.rejected).toEqual([{ messageId: events[13]!.messageId, reason: 'HTTP 400' }]);
    expect(result.delivered).toHaveLength(19);
    expect(server.events.map((e) => e.messageId).sort()).toEqual(events.filter((_, i) => i !== 13).map((e) => e.messageId).sort());
  });

  it('stops on 401 with an unauthorized error', async () => {
    const result = await httpTransport({ host: server.url }).send([ev()], { writeKey: 'wk_wrong' });
    expect(result.stop).toBe(true);
    expect(result.error?.code).toBe('unauthorized');
    expect(result.delivered).toEqual([]);
  });

  it('leaves events for retry on 5xx and passes Retry-After on', async () => {
    server.failWith(503, '7');
    const result = await httpTransport({ host: server.url }).send([ev()], ctx);
    expect(result).toMatchObject({ delivered: [], rejected: [], retryAfterMs: 7000 });
    expect(result.error?.code).toBe('server');
    server.failWith(429, new Date(Date.now() + 20_000).toUTCString());
    const limited = await httpTransport({ host: server.url }).send([ev()], ctx);
    expect(limited.retryAfterMs).toBeGreaterThan(15_000);
  });

  it('reports a network failure as data, never a throw', async () => {
    const url = server.url;
    await server.close();
    const result = await httpTransport({ host: url, timeoutMs: 2000 }).send([ev()], ctx);
    expect(result.delivered).toEqual([]);
    expect(result.error?.code).toBe('network');
    server = await startFakeCollector({ writeKey: 'wk_test' });
  });

  it('honours a per-event rejected list in a 2xx answer', async () => {
    const events = [ev(), ev()];
    const fake: typeof fetch = async () =>
      new Response(JSON.stringify({ success: true, rejected: [{ messageId: events[1]!.messageId, reason: 'too old' }, { messageId: 'unknown', reason: 'x' }] }), { status: 200 });
    const result = await httpTransport({ host: server.url, fetch: fake }).send(events, ctx);
    expect(result).toEqual({ delivered: [events[0]!.messageId], rejected: [{ messageId: events[1]!.messageId, reason: 'too old' }] });
  });

  it('gzips large bodies when compress is on', async () => {
    const events = Array.from({ length: 50 }, () => ev({ text: 'hello world '.repeat(20) }));
    await httpTransport({ host: server.url, compress: true }).send(events, ctx);
    expect(server.requests[0]!.encoding).toBe('gzip');
    expect(server.events).toHaveLength(50);
  });

  it('sends on hide as text/plain with the write key in the body, within 64 KB', async () => {
    const events = Array.from({ length: 300 }, () => ev({ pad: 'y'.repeat(400) }));
    const { handed, result } = httpTransport({ host: server.url }).sendOnHide!(events, ctx);
    expect(handed.length).toBeGreaterThan(50);
    expect(handed.length).toBeLessThan(300);
    const done = await result;
    expect(done.delivered.sort()).toEqual([...handed].sort());
    const total = server.requests.reduce((s, r) => s + r.bytes, 0);
    expect(total).toBeLessThanOrEqual(64 * 1024);
    for (const r of server.requests) {
      expect(r.contentType).toBe('text/plain');
      expect(r.bodyWriteKey).toBe('wk_test');
      expect(r.authorization).toBe('');
    }
  });

  it('counts a shared context once on hide: 300 page events fit one keepalive body', async () => {
    const page = { ...ev().context, userAgent: 'Mozilla/5.0 '.repeat(12), page: { url: 'https://shop.test/pricing?plan=pro', path: '/pricing', title: 'Pricing — Shop', referrer: '' }, locale: 'en-GB', timezone: 'Europe/London' };
    const events: TidemarkEvent[] = Array.from({ length: 300 }, (_, i) => ({ ...ev({ i }), context: page }) as TidemarkEvent);
    // With the context in each event they would need more than twice the 60 KB budget.
    expect(events.reduce((n, e) => n + JSON.stringify(e).length, 0)).toBeGreaterThan(2 * 60 * 1024);
    const { handed, result } = httpTransport({ host: server.url }).sendOnHide!(events, ctx);
    expect(handed).toEqual(events.map((e) => e.messageId));
    await result;
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]!.bytes).toBeLessThanOrEqual(64 * 1024);
    expect(server.events).toEqual(events);
  });

  it('rejects a bad host at set-up', () => {
    expect(() => httpTransport({ host: 'collector.example' })).toThrowError(/host must be the collector's URL/);
  });
});
