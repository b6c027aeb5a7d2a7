// Delivery receipts: events whose send a page could not see the end of are asked about before
// the next page sends them again, so nothing reaches the collector twice.
import { describe, expect, it } from 'vitest';
import { createTidemark } from './client.js';
import { localLock } from './drain-lock.js';
import { memoryKeyValue, type KeyValueStorage } from './key-value.js';
import type { Lifecycle } from './lifecycle.js';
import type { QueueStore } from './queue-store.js';
import { memoryStore } from './stores/memory-store.js';
import type { CheckResult, Transport } from './transport.js';
import { TidemarkError } from './errors.js';
import { UNCERTAIN_GRACE_MS, UNCERTAIN_KEY } from './uncertain.js';
import { manualClock, type ManualClock } from '@tidemark/test-kit';

/** A collector that stores what reaches it, counting copies, and answers receipts. */
function fakeCollector() {
  const stored = new Map<string, number>();
  const checks: string[][] = [];
  let receipts: (ids: string[]) => CheckResult = (ids) => ({ stored: ids.filter((id) => stored.has(id)) });
  const copies = () => [...stored.values()].reduce((n, c) => n + c - 1, 0);
  /** A transport to it; `hang` stores the events but never answers (the page dies first). */
  const transport = (hang = false): Transport => ({
    async send(events) {
      for (const e of events) stored.set(e.messageId, (stored.get(e.messageId) ?? 0) + 1);
      if (hang) return new Promise(() => {});
      return { delivered: events.map((e) => e.messageId), rejected: [] };
    },
    async check(ids) {
      checks.push(ids);
      return receipts(ids);
    },
  });
  return { stored, checks, copies, transport, answerReceipts: (fn: typeof receipts) => (receipts = fn) };
}

/** A lifecycle whose page-hide the test triggers. */
function pageLifecycle() {
  const listeners: Array<() => void> = [];
  const lifecycle: Lifecycle = { isOnline: () => true, onOnline: () => () => {}, onHide: (l) => (listeners.push(l), () => {}) };
  return { lifecycle, hide: () => listeners.forEach((l) => l()) };
}

function page(transport: Transport, store: QueueStore, storage: KeyValueStorage, clock: ManualClock, lifecycle?: Lifecycle) {
  const errors: string[] = [];
  const client = createTidemark({ writeKey: 'wk', transport, store, storage, clock, lock: localLock(), flushAt: 1_000, flushInterval: 60_000, onError: (e) => errors.push(e.code), ...(lifecycle ? { lifecycle } : {}) });
  return { client, errors };
}

/** A first page that sends 20 events and dies with the request in flight. */
async function pageDiesMidSend(collector: ReturnType<typeof fakeCollector>, store: QueueStore, storage: KeyValueStorage, clock: ManualClock) {
  const life = pageLifecycle();
  const { client } = page(collector.transport(true), store, storage, clock, life.lifecycle);
  for (let i = 0; i < 20; i++) client.track(`e${i}`);
  void client.flush();
  await new Promise((resolve) => setTimeout(resolve, 10));
  life.hide(); // reloaded before the answer came
}

describe('delivery receipts', () => {
  it('a page that died mid-send: the next one asks, removes what was stored, and sends nothing twice', async () => {
    const collector = fakeCollector();
    const [store, storage, clock] = [memoryStore(), memoryKeyValue(), manualClock()];
    await pageDiesMidSend(collector, store, storage, clock);
    expect(JSON.parse(storage.get(UNCERTAIN_KEY)!).ids).toHaveLength(21); // session_start + 20

    const next = page(collector.transport(), store, storage, clock);
    next.client.track('next-page');
    await clock.advance(UNCERTAIN_GRACE_MS - 100);
    expect(collector.checks).toEqual([]); // within the grace after the hide: nothing asked, nothing sent
    expect(collector.stored.has(JSON.parse(storage.get(UNCERTAIN_KEY)!).ids[0])).toBe(true);
    const flushed = next.client.flush(); // the app's flush() waits out the grace
    await clock.advance(100);
    const result = await flushed;
    expect(collector.checks).toHaveLength(1);
    expect(result.pending).toBe(0);
    expect(collector.copies()).toBe(0);
    expect(collector.stored.size).toBe(22); // 21 of the first page and next-page (the session goes on)
    expect(storage.get(UNCERTAIN_KEY)).toBeNull();
  });

  it('asks nothing when nothing is uncertain', async () => {
    const collector = fakeCollector();
    const { client } = page(collector.transport(), memoryStore(), memoryKeyValue(), manualClock());
    for (let i = 0; i < 50; i++) client.track(`e${i}`);
    await client.flush();
    expect(collector.checks).toEqual([]);
    expect(collector.stored.size).toBe(51);
  });

  it('a collector without receipts (404/405): uncertain events are re-sent, and it is not asked again this session', async () => {
    const collector = fakeCollector();
    collector.answerReceipts(() => ({ stored: [], unsupported: true }));
    const [store, storage, clock] = [memoryStore(), memoryKeyValue(), manualClock()];
    await pageDiesMidSend(collector, store, storage, clock);
    const next = page(collector.transport(), store, storage, clock);
    await clock.advance(UNCERTAIN_GRACE_MS);
    expect((await next.client.flush()).pending).toBe(0);
    expect(collector.checks).toHaveLength(1);
    expect(collector.copies()).toBe(21); // re-sent, for the collector to dedupe
    await pageDiesMidSend(collector, store, storage, clock);
    await clock.advance(UNCERTAIN_GRACE_MS);
    await next.client.flush();
    expect(collector.checks).toHaveLength(1);
  });

  it('a failing question delays the uncertain events, never drops or re-sends them blind', async () => {
    const collector = fakeCollector();
    let failing = true;
    collector.answerReceipts((ids) => (failing ? { stored: [], error: new TidemarkError('server', 'HTTP 503') } : { stored: ids.filter((id) => collector.stored.has(id)) }));
    const [store, storage, clock] = [memoryStore(), memoryKeyValue(), manualClock()];
    await pageDiesMidSend(collector, store, storage, clock);
    const next = page(collector.transport(), store, storage, clock);
    await clock.advance(UNCERTAIN_GRACE_MS);
    const first = await next.client.flush();
    expect(first.pending).toBeGreaterThan(0);
    expect(collector.copies()).toBe(0);
    expect(next.errors).toContain('server');
    failing = false;
    await clock.advance(60_000);
    expect((await next.client.flush()).pending).toBe(0);
    expect(collector.copies()).toBe(0);
  });
});

describe('a send that failed on the way', () => {
  it('is asked about before it goes again: a request stored but answered with a reset costs no copy', async () => {
    const collector = fakeCollector();
    const [store, storage, clock] = [memoryStore(), memoryKeyValue(), manualClock()];
    const base = collector.transport();
    let reset = true;
    const transport: Transport = {
      ...base,
      async send(events, ctx) {
        const result = await base.send(events, ctx);
        if (!reset) return result;
        reset = false; // stored, but the answer is lost: the connection was reset
        return { delivered: [], rejected: [], error: new TidemarkError('network', 'ECONNRESET') };
      },
    };
    const { client } = page(transport, store, storage, clock);
    for (let i = 0; i < 10; i++) client.track(`e${i}`);
    await client.flush();
    expect(collector.stored.size).toBe(11);
    await clock.advance(60_000);
    expect((await client.flush()).pending).toBe(0);
    expect(collector.checks).toHaveLength(1);
    expect(collector.copies()).toBe(0);
  });
});
