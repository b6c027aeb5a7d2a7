import type { TidemarkError } from '@tidemark/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createServerClient } from './create-server-client.js';
import type { ServerClient } from './server-client.js';
import type { DropInfo, ServerClientOptions } from './server-options.js';
import { type FakeCollector, startFakeCollector } from '@tidemark/test-kit';

let server: FakeCollector;
let clients: ServerClient[];
let errors: TidemarkError[];
let drops: DropInfo[];

beforeEach(async () => {
  server = await startFakeCollector();
  clients = [];
  errors = [];
  drops = [];
});
afterEach(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await server.close();
});

function client(options: ServerClientOptions = {}): ServerClient {
  const made = createServerClient({ writeKey: 'wk_test', host: server.url, flushInterval: 0, onError: (e) => errors.push(e), onDrop: (d) => drops.push(d), ...options });
  clients.push(made);
  return made;
}

const tick = (ms = 0): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A collector that holds every answer until `open()`. */
function gatedCollector(): { open: () => void } {
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  server.respond(async () => {
    await gate;
    return { status: 200 };
  });
  return { open };
}

describe('bounds and backpressure', () => {
  it('makes a caller that awaits wait from 90% of maxQueueSize, and loses none of its events', async () => {
    const collector = gatedCollector();
    const tm = client({ maxQueueSize: 100, maxConcurrentRequests: 1 });
    let calls = 0;
    const producer = (async () => {
      for (let i = 0; i < 300; i++) {
        await tm.track({ event: 'Awaited', properties: { i } });
        calls++;
      }
    })();
    await tick(100);
    // The 90th call found 90 events held (20 in flight, 70 queued) and is waiting for room.
    expect(calls).toBe(89);
    expect(tm.stats()).toMatchObject({ queued: 70, inFlight: 20, dropped: 0 });
    collector.open();
    await producer;
    await tm.flush();
    expect(server.events.map((e) => e.properties?.i)).toEqual([...Array(300).keys()]);
    expect(tm.stats().dropped).toBe(0);
    expect(drops).toEqual([]);
  });

  for (const [bound, options, blob, count] of [
    ['maxQueueSize at flushAt', { maxQueueSize: 100, flushAt: 100 }, '', 200],
    ['maxQueueBytes, with few large events', { maxQueueBytes: 1024 * 1024, flushAt: 50 }, 'x'.repeat(25_000), 60],
  ] as const) {
    it(`sends what is queued when callers wait for room below flushAt, with no timer (${bound})`, async () => {
      const tm = client(options);
      let calls = 0;
      const producer = (async () => {
        for (let i = 0; i < count; i++) {
          await tm.track({ event: 'Awaited', properties: { i, blob } });
          calls++;
        }
      })();
      await Promise.race([producer, tick(3_000)]);
      expect(calls).toBe(count);
      await tm.flush();
      // Each once; several requests in flight may arrive in any order.
      expect(server.events.map((e) => e.properties?.i as number).sort((x, y) => x - y)).toEqual([...Array(count).keys()]);
    });
  }

  it('bounds the bytes held: past maxQueueBytes the oldest go, counted, and waiting calls resolve once there is room', async () => {
    const tm = client({ maxQueueBytes: 1024 * 1024, flushAt: 100 });
    const blob = 'x'.repeat(20_000);
    const calls = Array.from({ length: 100 }, (_, i) => tm.track({ event: 'Big', properties: { i, blob } }));
    await tick();
    const { dropped } = tm.stats();
    expect(drops).toEqual([{ reason: 'queue_full', count: dropped }]);
    await tm.flush();
    await Promise.all(calls);
    const kept = 100 - dropped;
    // As many of the newest as fit in 1 MiB, and not one more.
    const eventBytes = Buffer.byteLength(JSON.stringify(server.events[0]));
    expect(kept * eventBytes).toBeLessThanOrEqual(1024 * 1024);
    expect((kept + 1) * eventBytes).toBeGreaterThan(1024 * 1024);
    // Three requests of ~500 KB go side by side, so arrival order is not theirs: compare sets.
    const arrived = server.events.map((e) => Number(e.properties?.i)).sort((a, b) => a - b);
    expect(arrived).toEqual([...Array(kept).keys()].map((i) => i + dropped));
    expect(tm.stats()).toMatchObject({ delivered: kept, dropped, queued: 0 });
  });

  it('keeps a 50,000-event burst whole with the default options', async () => {
    const tm = client({ flushInterval: 10_000 });
    const started = Date.now();
    for (let sent = 0; sent < 50_000; ) {
      for (let i = 0; i < 100; i++, sent++) void tm.track({ event: 'Burst', properties: { n: sent } });
      await new Promise((resolve) => setImmediate(resolve));
    }
    await tm.flush();
    expect(tm.stats()).toMatchObject({ delivered: 50_000, dropped: 0, queued: 0 });
    expect(new Set(server.events.map((e) => e.properties?.n)).size).toBe(50_000);
    expect(errors).toEqual([]);
    expect(Date.now() - started).toBeLessThan(15_000);
  });
});
