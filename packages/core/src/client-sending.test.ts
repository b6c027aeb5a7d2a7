// The client's sending: when it flushes (flushAt, the timer, the gap while events stream
// in), another tab's drain lock, and what each kind of answer does (retry with backoff,
// Retry-After, refusal, a wrong write key). Set-up, calls and the queue are in client.test.ts.
import { describe, expect, it } from 'vitest';
import { TidemarkError } from './errors.js';
import type { DrainLock } from './drain-lock.js';
import { SEND_GAP_MS } from './flusher-options.js';
import { names, setup } from './client-fixture.js';

describe('sending', () => {
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

  it('removes what a request delivered although consent went pending and back to granted while it was out', async () => {
    const { client, transport } = setup({ flushAt: 1000, consent: 'granted' });
    let answer!: () => void;
    const sent: string[] = [];
    const record = transport.send.bind(transport);
    transport.send = (events, context) => {
      sent.push(...names(events));
      // The first request answers when the test says; the rest at once.
      return sent.length > events.length ? record(events, context) : new Promise((resolve) => (answer = () => resolve(record(events, context))));
    };
    client.track('a');
    const first = client.flush();
    await new Promise((r) => setTimeout(r, 10));
    client.setConsent('pending'); // the consent banner is opened again: the queue moves to memory…
    await new Promise((r) => setTimeout(r, 10));
    client.setConsent('granted'); // … and back, every event with a new key
    await new Promise((r) => setTimeout(r, 10));
    answer();
    await first;
    await client.flush();
    expect(sent.filter((n) => n === 'a')).toHaveLength(1);
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
});
