import { describe, expect, it, vi } from 'vitest';
import { createTidemark, type Tidemark } from './client.js';
import { TidemarkError } from './errors.js';
import { memoryKeyValue } from './key-value.js';
import type { TidemarkOptions } from './options.js';
import { memoryStore } from './stores/memory-store.js';
import { names, setup } from './client-fixture.js';
import { manualClock, scriptedTransport } from '@tidemark/test-kit';

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
