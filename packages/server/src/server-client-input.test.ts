// The server client against hostile input, the collector's answers about single events, the
// queue bound and message IDs. Its wire format and pacing are in server-client.test.ts.
import { TidemarkError } from '@tidemark/core';
import { describe, expect, it } from 'vitest';
import { wireClientFixture } from './test-support/wire-client.js';

const wire = wireClientFixture();

describe('bad input', () => {
  it('reports and drops what cannot be an event, and sends the rest', async () => {
    const tm = wire.client();
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
    expect(wire.server.events.map((e) => e.event)).toEqual(['Survivor']);
    expect(wire.errors).toHaveLength(calls.length);
    expect(wire.errors.every((e) => e instanceof TidemarkError && e.code === 'invalid_event')).toBe(true);
    expect(tm.stats().invalid).toBe(calls.length);
  });

  it('ignores a forged anonymousId, keeps the event under the fallback ID, and never sends the forgery', async () => {
    const tm = wire.client();
    const forged = 'abcdefgh\r\nX-Injected: 1';
    await tm.track({ event: 'Checkout', anonymousId: forged });
    await tm.track({ event: 'Huge', anonymousId: 'a'.repeat(10_000) });
    await tm.flush();
    expect(wire.byEvent('Checkout')?.anonymousId).toBe(tm.getAnonymousId());
    expect(wire.server.requests[0]?.raw).not.toContain('X-Injected');
    expect(wire.server.requests[0]?.raw).not.toContain('a'.repeat(100));
    expect(wire.errors.map((e) => e.message)).toEqual([expect.stringContaining('invalid_characters'), expect.stringContaining('too_long')]);
  });

  it('refuses a 32 KB event alone and delivers its neighbours', async () => {
    const tm = wire.client();
    await tm.track({ event: 'Before' });
    await tm.track({ event: 'Huge', properties: { blob: 'x'.repeat(40_000) } });
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    await tm.track({ event: 'Circular', properties: circular });
    await tm.track({ event: 'After' });
    await tm.flush();
    expect(wire.server.events.map((e) => e.event)).toEqual(['Before', 'After']);
    expect(wire.errors.map((e) => e.code).sort()).toEqual(['event_too_large', 'invalid_event']);
    expect(tm.stats()).toMatchObject({ delivered: 2, rejected: 2 });
  });
});

describe('debug logging', () => {
  it('logs each distinct problem once and never a forged value', async () => {
    const lines: string[] = [];
    const logger = { info: (line: string) => lines.push(`info ${line}`), warn: (line: string) => lines.push(`warn ${line}`), error: (line: string) => lines.push(`error ${line}`) };
    const tm = wire.client({ debug: true, logger });
    for (let i = 0; i < 5; i++) await tm.track({ event: 'Checkout', anonymousId: 'evil\r\nX-Injected: 1' });
    for (let i = 0; i < 5; i++) await tm.track({ event: '' });
    await tm.forRequest({ headers: { 'x-tidemark-anonymous-id': '\u001b[31mred' } }).track('Viewed');
    await tm.flush();
    const warnings = lines.filter((l) => l.startsWith('warn'));
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toContain('anonymousId was ignored (invalid_characters)');
    expect(lines.some((l) => l.includes('header x-tidemark-anonymous-id: invalid_characters'))).toBe(true);
    expect(lines.join('\n')).not.toMatch(/Injected|\u001b|\r/);
    expect(wire.errors).toHaveLength(10); // onError hears every occurrence
  });
});

describe('collector answers', () => {
  it('halves a batch the collector calls bad until the bad event stands alone', async () => {
    wire.server.respond((request) => (request.body?.batch?.some((e) => e.properties?.poison) ? { status: 400 } : { status: 200 }));
    const tm = wire.client();
    for (let i = 0; i < 10; i++) await tm.track({ event: 'E', properties: { i, poison: i === 6 } });
    await tm.flush();
    expect(wire.server.events.map((e) => e.properties?.i)).toEqual([0, 1, 2, 3, 4, 5, 7, 8, 9]);
    expect(wire.errors.map((e) => e.code)).toEqual(['rejected']);
    expect(tm.stats()).toMatchObject({ delivered: 9, rejected: 1, queued: 0 });
  });

  it('counts events a 200 lists as rejected', async () => {
    wire.server.respond((request) => ({
      status: 200,
      body: JSON.stringify({ success: true, rejected: [{ messageId: request.body?.batch?.[1]?.messageId, reason: 'bad\u0000name' }] }),
    }));
    const tm = wire.client();
    for (let i = 0; i < 3; i++) await tm.track({ event: `E${i}` });
    await tm.flush();
    expect(tm.stats()).toMatchObject({ delivered: 2, rejected: 1 });
    expect(wire.errors[0]?.code).toBe('rejected');
    expect(wire.errors[0]?.message).not.toContain('\u0000');
  });

  it('drops the oldest events over maxQueueSize and counts them', async () => {
    const drops: unknown[] = [];
    const tm = wire.client({ flushAt: 100, maxQueueSize: 100, onDrop: (info) => drops.push(info) });
    for (let i = 0; i < 150; i++) void tm.track({ event: 'E', properties: { i } });
    await tm.flush();
    expect(tm.stats().dropped).toBe(50);
    expect(drops).toHaveLength(50);
    expect(drops[0]).toEqual({ reason: 'queue_full', count: 1 });
    expect(wire.server.events.map((e) => e.properties?.i)).toEqual([...Array(100).keys()].map((i) => i + 50));
  });
});

describe('message IDs', () => {
  it('are unique within a client and across clients, and keep a hostile __proto__ as data', async () => {
    const a = wire.client();
    const b = wire.client();
    for (let i = 0; i < 300; i++) {
      void a.track({ event: 'A' });
      void b.track({ event: 'B' });
    }
    await a.track({ event: 'Proto', properties: JSON.parse('{"__proto__":{"polluted":true},"ok":1}') as Record<string, unknown> });
    await Promise.all([a.flush(), b.flush()]);
    const ids = wire.server.events.map((e) => e.messageId);
    expect(new Set(ids).size).toBe(601);
    expect(ids.every((id) => /^[A-Za-z0-9_-]{13,23}$/.test(id))).toBe(true);
    const raw = wire.server.requests.map((r) => r.raw).join('\n');
    expect(raw).toContain('"properties":{"__proto__":{"polluted":true},"ok":1,"anonymous_id"');
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
  });
});
