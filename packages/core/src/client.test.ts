import { describe, expect, it, vi } from 'vitest';
import { createTidemark, type Tidemark } from './client.js';
import { TidemarkError } from './errors.js';
import { memoryKeyValue, type KeyValueStorage } from './key-value.js';
import { localLock, type DrainLock } from './drain-lock.js';
import type { TidemarkOptions } from './options.js';
import type { QueueStore } from './queue-store.js';
import { memoryStore } from './stores/memory-store.js';
import { SEND_GAP_MS } from './flusher.js';
import type { DropInfo } from './event-queue.js';
import { names, setup } from './client-fixture.js';
import { manualClock, type ManualClock, scriptedTransport } from '@tidemark/test-kit';

describe('createTidemark', () => {
  it('throws a TidemarkError that says how to fix misuse', () => {
    expect(() => createTidemark({} as TidemarkOptions)).toThrowError(/writeKey is required \(pass \{ writeKey: 'wk_…' \}\)/);
    expect(() => createTidemark({ writeKey: 'wk' } as TidemarkOptions)).toThrowError(/transport is required/);
    try {
      createTidemark({ writeKey: 'wk', transport: scriptedTransport(), flushAt: 0 });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(TidemarkError);
      expect((err as TidemarkError).code).toBe('invalid_option');
      expect((err as TidemarkError).message).toMatch(/flushAt must be a number from 1/);
    }
  });

  it('starts a session with a session_start event and builds Segment-shaped events', async () => {
    const { client, transport } = setup();
    client.track('Signed Up', { plan: 'pro' });
    await client.flush();
    const [start, signup] = transport.delivered;
    expect(names(transport.delivered)).toEqual(['session_start', 'Signed Up']);
    expect(signup).toMatchObject({
      type: 'track',
      event: 'Signed Up',
      properties: { plan: 'pro' },
      anonymousId: client.getAnonymousId(),
      context: { library: { name: 'tidemark' }, sessionId: client.getSessionId() },
    });
    expect(signup!.messageId).toMatch(/^[A-Za-z0-9_-]{21}$/);
    expect(new Date(signup!.timestamp).toISOString()).toBe(signup!.timestamp);
    expect(start!.context.sessionId).toBe(signup!.context.sessionId);
  });

  it('keeps the anonymous ID across instances on the same storage, and reset() replaces it', () => {
    const storage = memoryKeyValue();
    const a = setup({ storage }).client;
    const b = setup({ storage }).client;
    expect(b.getAnonymousId()).toBe(a.getAnonymousId());
    a.identify('user_1', { email: 'x@example.com' });
    expect(a.getUserId()).toBe('user_1');
    a.reset();
    expect(a.getAnonymousId()).not.toBe(b.getAnonymousId());
    expect(a.getUserId()).toBeUndefined();
  });

  it('stamps identify, alias, group and page events', async () => {
    const { client, transport } = setup();
    client.identify('u1', { plan: 'pro' });
    client.group('acme', { seats: 3 });
    client.alias('u2');
    client.page('Pricing', { ab: 'b' });
    client.track('after');
    await client.flush();
    const [, identify, group, alias, page, after] = transport.delivered;
    expect(identify).toMatchObject({ type: 'identify', userId: 'u1', traits: { plan: 'pro' } });
    expect(group).toMatchObject({ type: 'group', groupId: 'acme', traits: { seats: 3 }, userId: 'u1' });
    expect(alias).toMatchObject({ type: 'alias', userId: 'u2', previousId: 'u1' });
    expect(page).toMatchObject({ type: 'page', name: 'Pricing', properties: { ab: 'b' } });
    expect(after!.userId).toBe('u2');
  });

  it('drops an invalid or oversized event with a typed error, and the others still go', async () => {
    const { client, transport, errors, drops } = setup();
    client.track('ok 1');
    client.track('' as string);
    client.track(42 as unknown as string);
    client.track('x'.repeat(201));
    client.track('huge', { blob: 'x'.repeat(40_000) });
    client.track('ok 2');
    await client.flush();
    expect(names(transport.delivered)).toEqual(['session_start', 'ok 1', 'ok 2']);
    expect(errors.map((e) => e.code)).toEqual(['invalid_event', 'invalid_event', 'invalid_event', 'event_too_large']);
    expect(errors[3]!.message).toMatch(/limit is 32768/);
    expect(drops.filter((d) => d.reason === 'invalid')).toHaveLength(4);
  });

  it('never throws into the app, whatever it passes', () => {
    const { client } = setup();
    const circular: Record<string, unknown> = {};
    circular.me = circular;
    expect(() => {
      client.track('c', circular);
      client.track(undefined as unknown as string, null as unknown as Record<string, unknown>);
      client.identify(5 as unknown as string);
      client.group(undefined as unknown as string);
      client.alias({} as unknown as string);
      client.page(7 as unknown as string, 'x' as unknown as Record<string, unknown>);
      client.setConsent('maybe' as never);
    }).not.toThrow();
  });

  it('applies beforeSend, which may change or drop events', async () => {
    const { client, transport } = setup({
      beforeSend: (e) => (e.event === 'secret' ? null : { ...e, properties: { ...e.properties, seen: true } }),
    });
    client.track('secret');
    client.track('public');
    await client.flush();
    expect(names(transport.delivered)).toEqual(['session_start', 'public']);
    expect(transport.delivered[1]!.properties).toEqual({ seen: true });
  });

  it('flushes on flushAt and on the flushInterval timer', async () => {
    const { client, clock, transport } = setup({ flushAt: 5, flushInterval: 2_000 });
    for (let i = 0; i < 4; i++) client.track(`e${i}`);
    await clock.advance(0);
    expect(transport.sends).toHaveLength(1); // session_start + 4 = flushAt
    client.track('late');
    await clock.advance(1_999);
    expect(transport.delivered).toHaveLength(5);
    await clock.advance(1);
    expect(names(transport.delivered).at(-1)).toBe('late');
    void client;
  });

  it('while events stream in, sends what arrives after a request as one request a gap later, and a full batch at once', async () => {
    const { client, clock, transport } = setup({ flushAt: 5, flushInterval: 2_000 });
    for (let i = 0; i < 4; i++) client.track(`a${i}`);
    await clock.advance(0);
    expect(transport.sends).toHaveLength(1); // flushAt reached, nothing sent before: at once
    for (let tick = 0; tick < 10; tick++) {
      for (let i = 0; i < 5; i++) client.track(`b${tick}-${i}`); // flushAt each tick
      await clock.advance(50);
    }
    expect(transport.sends).toHaveLength(1); // 500 ms after the request: the ticks wait together
    await clock.advance(SEND_GAP_MS - 500);
    expect(transport.sends).toHaveLength(2);
    expect(transport.sends[1]).toHaveLength(50); // one request for ten ticks
    for (let i = 0; i < 500; i++) client.track(`c${i}`); // a full batch does not wait
    await clock.advance(0);
    expect(transport.sends).toHaveLength(3);
    expect(transport.sends[2]).toHaveLength(500);
    client.track('d');
    await client.flush(); // the app's flush() never waits
    expect(transport.sends).toHaveLength(4);
  });

  it('looks again when another tab held the drain lock, which may have let go without sending', async () => {
    // The tab that held the lock was being reloaded: it released the lock with nothing sent.
    let busy = true;
    const lock: DrainLock = { run: (fn, wait) => (busy && !wait ? Promise.resolve(undefined) : fn()) };
    const { client, clock, transport } = setup({ lock, flushAt: 1, flushInterval: 2_000 });
    client.track('queued');
    await clock.advance(0);
    expect(transport.sends).toHaveLength(0);
    busy = false;
    await clock.advance(2_000);
    expect(names(transport.delivered)).toEqual(['session_start', 'queued']);
    void client;
  });

  it('retries failures with backoff, keeping every event, until delivered once', async () => {
    const { client, clock, transport, errors } = setup({ flushAt: 1 });
    let failing = true;
    transport.answer((events) => (failing ? { delivered: [], error: new TidemarkError('server', 'HTTP 500') } : { delivered: events.map((e) => e.messageId) }));
    for (let i = 0; i < 10; i++) client.track(`e${i}`);
    await clock.advance(10_000);
    const attempts = transport.sends.length;
    expect(attempts).toBeGreaterThan(1);
    expect(transport.delivered).toHaveLength(0);
    expect(errors.some((e) => e.code === 'server')).toBe(true);
    failing = false;
    await clock.advance(120_000);
    expect(names(transport.delivered)).toEqual(['session_start', ...Array.from({ length: 10 }, (_, i) => `e${i}`)]);
    expect(await client.flush()).toMatchObject({ pending: 0 });
  });

  it('an explicit flush() during a backoff still sends', async () => {
    const { client, clock, transport } = setup({ flushAt: 1 });
    let failing = true;
    transport.answer((events) => (failing ? { delivered: [] } : { delivered: events.map((e) => e.messageId) }));
    client.track('x');
    await clock.advance(0);
    failing = false;
    const result = await client.flush();
    expect(result.delivered).toBe(2);
    expect(result.pending).toBe(0);
  });

  it('honours Retry-After', async () => {
    const { client, clock, transport } = setup({ flushAt: 1 });
    transport.answer(() => ({ delivered: [], retryAfterMs: 30_000 }));
    client.track('x');
    await clock.advance(0);
    const before = transport.sends.length;
    await clock.advance(29_000);
    expect(transport.sends.length).toBe(before);
    await clock.advance(1_001);
    expect(transport.sends.length).toBeGreaterThan(before);
  });

  it('removes permanently rejected events and reports them', async () => {
    const { client, transport, errors, drops } = setup();
    transport.answer((events) => ({
      delivered: events.filter((e) => e.event !== 'poison').map((e) => e.messageId),
      rejected: events.filter((e) => e.event === 'poison').map((e) => ({ messageId: e.messageId, reason: 'HTTP 400' })),
    }));
    client.track('a');
    client.track('poison');
    client.track('b');
    const result = await client.flush();
    expect(result).toMatchObject({ delivered: 3, rejected: 1, pending: 0 });
    expect(drops).toContainEqual({ reason: 'rejected', count: 1 });
    expect(errors.map((e) => e.code)).toContain('rejected');
  });

  it('stops on unauthorized and keeps the events', async () => {
    const { client, clock, transport, store, errors } = setup({ flushAt: 1 });
    transport.answer(() => ({ delivered: [], stop: true, error: new TidemarkError('unauthorized', 'HTTP 401') }));
    client.track('a');
    await clock.advance(120_000);
    expect(transport.sends).toHaveLength(1);
    expect(errors.filter((e) => e.code === 'unauthorized')).toHaveLength(1);
    expect(await store.count()).toBe(2);
  });

  it('bounds the queue, dropping and counting the oldest', async () => {
    const { client, transport, drops } = setup({ maxQueueSize: 10, flushAt: 1000 });
    for (let i = 0; i < 25; i++) client.track(`e${i}`);
    await vi.waitFor(() => expect(drops.find((d) => d.reason === 'queue_full')).toBeDefined());
    await client.flush();
    expect(names(transport.delivered)).toEqual(Array.from({ length: 10 }, (_, i) => `e${i + 15}`));
    expect(drops.filter((d) => d.reason === 'queue_full').reduce((n, d) => n + d.count, 0)).toBe(16);
  });

  it('drops and counts events older than maxEventAgeMs', async () => {
    const clock = manualClock();
    const { client, transport, drops } = setup({ clock, maxEventAgeMs: 60_000, flushAt: 1000, flushInterval: 3_600_000 });
    transport.answer(() => ({ delivered: [] }));
    client.track('old');
    await clock.advance(61_000);
    transport.answer((events) => ({ delivered: events.map((e) => e.messageId) }));
    client.track('new');
    await client.flush();
    expect(names(transport.delivered)).toEqual(['new']);
    expect(drops).toContainEqual({ reason: 'expired', count: 2 }); // session_start and 'old'
  });

  it('consent pending keeps events in memory; granted persists and sends them', async () => {
    const store = memoryStore();
    const { client, transport } = setup({ consent: 'pending', store });
    client.track('before consent');
    await client.flush();
    expect(transport.sends).toHaveLength(0);
    expect(await store.count()).toBe(0);
    client.setConsent('granted');
    await vi.waitFor(async () => expect(await store.count()).toBeGreaterThan(0));
    await client.flush();
    expect(names(transport.delivered)).toEqual(['session_start', 'before consent']);
  });

  it('optOut drops, clears and persists; optIn resumes', async () => {
    const storage = memoryKeyValue();
    const store = memoryStore();
    const { client, transport, drops } = setup({ storage, store, flushAt: 1000 });
    client.track('queued');
    await client.flush().catch(() => {});
    transport.answer(() => ({ delivered: [] }));
    client.track('queued 2');
    client.optOut();
    client.track('ignored');
    await vi.waitFor(() => expect(drops).toContainEqual({ reason: 'consent', count: 1 }));
    expect(await store.count()).toBe(0);
    const again = setup({ storage, store }).client;
    expect(again.getConsent()).toBe('denied');
    again.optIn();
    transport.answer((events) => ({ delivered: events.map((e) => e.messageId) }));
    expect(again.getConsent()).toBe('granted');
  });

  it('close() flushes, then ignores calls', async () => {
    const { client, transport, errors } = setup({ flushAt: 1000 });
    client.track('last');
    await client.close(1_000);
    expect(names(transport.delivered)).toEqual(['session_start', 'last']);
    client.track('after close');
    await new Promise((r) => setTimeout(r, 10));
    expect(transport.delivered).toHaveLength(2);
    expect(errors.map((e) => e.code)).toContain('closed');
  });

  it('writes one store call per tick, however many events', async () => {
    const store = memoryStore();
    const add = vi.spyOn(store, 'add');
    const { client } = setup({ store, flushAt: 1000 });
    for (let i = 0; i < 500; i++) client.track(`e${i}`);
    await new Promise((r) => setTimeout(r, 0));
    expect(add).toHaveBeenCalledTimes(1);
    expect(add.mock.calls[0]![0]).toHaveLength(501);
  });

  it('gives attribution headers for the backend', () => {
    const { client } = setup();
    expect(client.attributionHeaders()).toEqual({
      'x-tidemark-anonymous-id': client.getAnonymousId(),
      'x-tidemark-session-id': String(client.getSessionId()),
    });
  });
});

export type { Tidemark };
