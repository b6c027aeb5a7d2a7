import { createServer } from 'node:net';
import type { TidemarkError } from '@tidemark/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createServerClient } from './create-server-client.js';
import type { ServerClient } from './server-client.js';
import type { ServerClientOptions } from './server-options.js';
import { type FakeCollector, ManualClock, startFakeCollector } from '@tidemark/test-kit';

// Request timeouts are 30 s here, so every other timer on the clock is a backoff wait.
const TIMEOUT = 30_000;
let server: FakeCollector;
let clock: ManualClock;
let clients: ServerClient[];
let errors: TidemarkError[];

beforeEach(async () => {
  server = await startFakeCollector();
  clock = new ManualClock();
  clients = [];
  errors = [];
});
afterEach(async () => {
  const closing = Promise.all(clients.map((c) => c.close()));
  clock.tick(10_000); // let close() give up on anything still waiting
  await closing;
  await server.close();
});

function client(options: ServerClientOptions = {}): ServerClient {
  const made = createServerClient({ writeKey: 'wk_test', host: server.url, clock, flushInterval: 0, timeout: TIMEOUT, onError: (e) => errors.push(e), ...options });
  clients.push(made);
  return made;
}

const backoffs = (): number[] => clock.scheduled.filter((ms) => ms !== TIMEOUT);
const tick = (ms = 5): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Answer with `status` for the first `n` requests, then 200. */
const failFirst = (n: number, status = 500, headers?: Record<string, string>) => (_: unknown, index: number) => (index < n ? { status, headers } : { status: 200 });

describe('retry and backoff on the injected clock', () => {
  it('retries 5xx after 1 s and 2 s, then delivers once', async () => {
    server.respond(failFirst(2, 503));
    const tm = client();
    for (let i = 0; i < 5; i++) await tm.track({ event: 'E', properties: { i } });
    const flushed = tm.flush();
    await clock.waitForTimer(1_000);
    clock.tick(1_000);
    await clock.waitForTimer(2_000);
    clock.tick(2_000);
    await flushed;
    expect(server.requests).toHaveLength(3);
    expect(server.events).toHaveLength(5);
    expect(backoffs()).toEqual([1_000, 2_000]);
    expect(tm.stats()).toMatchObject({ delivered: 5, retries: 2, queued: 0 });
    expect(errors).toEqual([]);
  });

  it('after retryLimit failures re-queues the events at the front, in order', async () => {
    server.respond(() => ({ status: 500 }));
    const tm = client({ retryLimit: 3 });
    for (let i = 0; i < 5; i++) await tm.track({ event: 'E', properties: { i } });
    const flushed = tm.flush();
    for (const ms of [1_000, 2_000, 4_000]) {
      await clock.waitForTimer(ms);
      clock.tick(ms);
    }
    await flushed;
    expect(server.requests).toHaveLength(4);
    expect(backoffs()).toEqual([1_000, 2_000, 4_000]);
    expect(tm.stats()).toMatchObject({ queued: 5, delivered: 0, retries: 3 });
    expect(errors.map((e) => e.code)).toEqual(['server']);

    server.respond(() => ({ status: 200 }));
    for (let i = 5; i < 7; i++) await tm.track({ event: 'E', properties: { i } });
    await tm.flush();
    expect(server.events.map((e) => e.properties?.i)).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  it('caps the backoff at 10 s', async () => {
    server.respond(() => ({ status: 502 }));
    const tm = client({ retryLimit: 6 });
    await tm.track({ event: 'E' });
    const flushed = tm.flush();
    for (const ms of [1_000, 2_000, 4_000, 8_000, 10_000, 10_000]) {
      await clock.waitForTimer(ms);
      clock.tick(ms);
    }
    await flushed;
    expect(backoffs()).toEqual([1_000, 2_000, 4_000, 8_000, 10_000, 10_000]);
  });

  it('honours Retry-After on a 429', async () => {
    server.respond(failFirst(1, 429, { 'retry-after': '7' }));
    const tm = client();
    await tm.track({ event: 'E' });
    const flushed = tm.flush();
    await clock.waitForTimer(7_000);
    clock.tick(7_000);
    await flushed;
    expect(backoffs()).toEqual([7_000]);
    expect(server.events).toHaveLength(1);
  });

  it('treats other 4xx as permanent: no retry', async () => {
    server.respond(() => ({ status: 404 }));
    const tm = client();
    await tm.track({ event: 'E' });
    await tm.flush();
    expect(server.requests).toHaveLength(1);
    expect(backoffs()).toEqual([]);
    expect(tm.stats()).toMatchObject({ rejected: 1, queued: 0 });
    expect(errors.map((e) => e.code)).toEqual(['rejected']);
  });

  it('keeps events on 401, stops sending on its own until the next timer tick', async () => {
    server.respond(() => ({ status: 401 }));
    const tm = client({ flushAt: 5, flushInterval: 10_000 });
    for (let i = 0; i < 5; i++) await tm.track({ event: 'E', properties: { i } });
    await server.waitFor(() => server.requests.length === 1);
    await tick(20);
    expect(errors.map((e) => e.code)).toEqual(['unauthorized']);
    for (let i = 5; i < 20; i++) await tm.track({ event: 'E', properties: { i } });
    await tick(50);
    expect(server.requests).toHaveLength(1); // paused, not hammering a refused key
    expect(tm.stats().queued).toBe(20);

    server.respond(() => ({ status: 200 }));
    clock.tick(10_000);
    await server.waitFor(() => server.events.length === 20);
    expect(server.events.map((e) => e.properties?.i)).toEqual([...Array(20).keys()]);
  });

  for (const [answer, status, retryLimit] of [
    ['a refused key', 401, 3],
    ['a 5xx past retryLimit', 500, 0],
  ] as const) {
    it(`sends each event at most once per flush() when ${answer} puts a batch back`, async () => {
      server.respond(() => ({ status }));
      const tm = client({ flushAt: 100, maxConcurrentRequests: 1, retryLimit });
      for (let i = 0; i < 1500; i++) void tm.track({ event: 'E', properties: { i } });
      await tm.flush();
      // One request: the batch went back to the front, and the flush stopped there.
      expect(server.requests.map((r) => [r.events.length, r.events[0]?.properties?.i])).toEqual([[500, 0]]);
      expect(tm.stats().queued).toBe(1500);
      server.respond(() => ({ status: 200 }));
      await tm.flush(); // a later flush lifts the pause and sends them all, in order
      expect(server.events.map((e) => e.properties?.i)).toEqual([...Array(1500).keys()]);
    });
  }

  it('retries network failures and reports them as network errors', async () => {
    const closedPort = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as { port: number };
        probe.close(() => resolve(port));
      });
    });
    const tm = client({ host: `http://127.0.0.1:${closedPort}`, retryLimit: 1 });
    await tm.track({ event: 'E' });
    const flushed = tm.flush();
    await clock.waitForTimer(1_000);
    clock.tick(1_000);
    await flushed;
    expect(errors.map((e) => e.code)).toEqual(['network']);
    expect(errors[0]?.message).toContain('ECONNREFUSED');
    expect(tm.stats()).toMatchObject({ queued: 1, retries: 1 });
  });

  it('aborts a request after `timeout` on the clock and retries it', async () => {
    server.respond((_request, index) => (index === 0 ? 'hang' : { status: 200 }));
    const tm = client({ timeout: 1_000 });
    await tm.track({ event: 'E' });
    const flushed = tm.flush();
    await server.waitFor(() => server.requests.length === 1);
    clock.tick(1_000); // the request timeout
    await clock.waitForTimer(1_000);
    clock.tick(1_000); // the backoff
    await flushed;
    expect(server.requests).toHaveLength(2);
    expect(server.events).toHaveLength(1);
  });

  it('loses no event tracked during a 5-second run of 500s', async () => {
    const start = clock.now();
    let refused = 0;
    server.respond(() => (clock.now() - start < 5_000 ? (refused++, { status: 500 }) : { status: 200 }));
    const tm = client({ flushInterval: 10_000 });
    for (let step = 0; step < 50; step++) {
      for (let i = 0; i < 10; i++) void tm.track({ event: 'During outage', properties: { n: step * 10 + i } });
      clock.tick(100);
      await tick(2);
    }
    for (let round = 0; round < 100 && server.events.length < 500; round++) {
      clock.tick(1_000);
      await tick(5);
    }
    expect(await tm.close()).toMatchObject({ dropped: 0 });
    const received = new Set(server.events.map((e) => e.properties?.n));
    expect(received.size).toBe(500);
    expect(tm.stats().dropped).toBe(0);
    expect(refused).toBeGreaterThanOrEqual(8); // every request slot met the outage, twice
  });
});
