import type { TidemarkError } from '@tidemark/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createServerClient } from './create-server-client.js';
import type { ServerClientOptions } from './server-options.js';
import { type FakeCollector, ManualClock, startFakeCollector } from '@tidemark/test-kit';

let server: FakeCollector;
let clock: ManualClock;
let errors: TidemarkError[];

beforeEach(async () => {
  server = await startFakeCollector();
  clock = new ManualClock();
  errors = [];
});
afterEach(() => server.close());

const client = (options: ServerClientOptions = {}) =>
  createServerClient({ writeKey: 'wk_test', host: server.url, clock, timeout: 30_000, onError: (e) => errors.push(e), ...options });

describe('close()', () => {
  it('sends what is queued, stops the timer and ignores later calls', async () => {
    const tm = client({ flushInterval: 10_000 });
    for (let i = 0; i < 3; i++) await tm.track({ event: 'Before close' });
    expect(clock.pending()).toContain(10_000);
    expect(await tm.close()).toEqual({ delivered: 3, dropped: 0, kept: 0 });
    expect(clock.pending()).toEqual([]);
    await tm.track({ event: 'After close' });
    await tm.identify('u1');
    await tm.flush();
    clock.tick(60_000);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(server.events.map((e) => e.event)).toEqual(['Before close', 'Before close', 'Before close']);
    expect(server.requests).toHaveLength(1);
    expect(errors).toEqual([]);
  });

  it('returns the same promise when called twice', async () => {
    const tm = client();
    const first = tm.close();
    expect(tm.close()).toBe(first);
    await first;
  });

  it('gives up after 5 s, drops what is left and counts it', async () => {
    server.respond(() => ({ status: 503 }));
    const drops: unknown[] = [];
    const tm = client({ retryLimit: 10, onDrop: (info) => drops.push(info) });
    for (let i = 0; i < 7; i++) await tm.track({ event: 'Doomed' });
    const closing = tm.close();
    await clock.waitForTimer(1_000);
    clock.tick(5_000);
    expect(await closing).toEqual({ delivered: 0, dropped: 7, kept: 0 });
    expect(drops).toEqual([{ reason: 'closed', count: 7 }]);
    expect(tm.stats()).toMatchObject({ dropped: 7, queued: 0, inFlight: 0 });
  });

  it('aborts a request the collector never answers', async () => {
    server.respond(() => 'hang');
    const tm = client();
    await tm.track({ event: 'Stuck' });
    const closing = tm.close();
    await server.waitFor(() => server.requests.length === 1);
    clock.tick(5_000);
    expect(await closing).toEqual({ delivered: 0, dropped: 1, kept: 0 });
  });

  it('finishes even when an injected fetch ignores the abort signal', async () => {
    const tm = client({ fetch: () => new Promise<Response>(() => undefined) });
    await tm.track({ event: 'Stuck' });
    const closing = tm.close();
    await new Promise((resolve) => setTimeout(resolve, 10));
    clock.tick(5_000);
    expect(await closing).toEqual({ delivered: 0, dropped: 1, kept: 0 });
  });
});
