import { describe, expect, it, vi } from 'vitest';
import { createTidemark } from './client.js';
import { TidemarkError } from './errors.js';
import { localLock } from './drain-lock.js';
import { memoryKeyValue } from './key-value.js';
import type { Lifecycle } from './lifecycle.js';
import type { QueueStore } from './queue-store.js';
import { RESCUE_PREFIX, rescueEvents } from './rescue.js';
import { memoryStore } from './stores/memory-store.js';
import { UNCERTAIN_GRACE_MS, UNCERTAIN_KEY } from './uncertain.js';
import type { SendResult, TidemarkEvent } from './index.js';
import { manualClock, scriptedTransport } from '@tidemark/test-kit';

/** A lifecycle whose page-hide the test triggers. */
function pageLifecycle() {
  const listeners: Array<() => void> = [];
  const lifecycle: Lifecycle = { isOnline: () => true, onOnline: () => () => {}, onHide: (l) => (listeners.push(l), () => {}) };
  return { lifecycle, hide: () => listeners.forEach((l) => l()) };
}

/** A store whose writes never finish: the page dies before IndexedDB commits. */
function stuckStore(): QueueStore {
  const never = new Promise<never>(() => {});
  return { ...memoryStore(), kind: 'stuck', add: () => never };
}

/** A scripted transport whose page-hide path records the names it was handed and never answers, as in a page that is gone. */
function unanswerableHide() {
  const handedTo: string[] = [];
  const transport = {
    ...scriptedTransport(),
    sendOnHide(events: TidemarkEvent[]) {
      handedTo.push(...events.map((e) => e.event ?? e.type));
      return { handed: events.map((e) => e.messageId), result: new Promise<SendResult>(() => {}) };
    },
  };
  return { transport, handedTo };
}

describe('page hide', () => {
  it('rescues events whose durable write had not finished, and the next page sends them', async () => {
    const storage = memoryKeyValue();
    const page = pageLifecycle();
    const first = createTidemark({ writeKey: 'wk', transport: scriptedTransport(), store: stuckStore(), storage, lifecycle: page.lifecycle, clock: manualClock(), lock: localLock() });
    for (let i = 0; i < 50; i++) first.track(`e${i}`);
    page.hide();
    const keys = storage.keys!().filter((k) => k.startsWith(RESCUE_PREFIX));
    expect(keys).toHaveLength(1);

    const transport = scriptedTransport();
    const next = createTidemark({ writeKey: 'wk', transport, store: memoryStore(), storage, clock: manualClock(), lock: localLock() });
    await new Promise((r) => setTimeout(r, 10));
    await next.flush();
    const names = transport.delivered.map((e) => e.event);
    for (let i = 0; i < 50; i++) expect(names).toContain(`e${i}`);
    expect(storage.keys!().filter((k) => k.startsWith(RESCUE_PREFIX))).toHaveLength(0);
  });

  it('queues a rescued event only when the dying write did not land', async () => {
    const storage = memoryKeyValue();
    const store = memoryStore();
    // A page queued 'landed' durably, then died with a rescue copy of it and of 'lost'.
    const first = createTidemark({ writeKey: 'wk', transport: scriptedTransport(), store, storage, clock: manualClock(), lock: localLock(), flushAt: 1000 });
    first.track('landed');
    await new Promise((r) => setTimeout(r, 10));
    const landed = (await store.peek(10)).map((e) => e.event).find((e) => e.event === 'landed')!;
    rescueEvents(storage, `${RESCUE_PREFIX}dead-page`, [landed, { ...landed, messageId: 'lost-0000000000000000', event: 'lost' }]);

    const transport = scriptedTransport();
    const next = createTidemark({ writeKey: 'wk', transport, store, storage, clock: manualClock(), lock: localLock() });
    await new Promise((r) => setTimeout(r, 10));
    await next.flush();
    const names = transport.delivered.map((e) => e.event);
    expect(names.filter((n) => n === 'landed')).toHaveLength(1);
    expect(names.filter((n) => n === 'lost')).toHaveLength(1);
  });

  it("sends rescued events with the next page's first flush(), though reading the queue at start takes a while", async () => {
    const storage = memoryKeyValue();
    const event = { type: 'track', event: 'rescued', messageId: 'rescued-0000000000000', anonymousId: 'a', timestamp: new Date().toISOString(), context: {} } as TidemarkEvent;
    rescueEvents(storage, `${RESCUE_PREFIX}dead-page`, [event]);
    const quick = memoryStore();
    let reads = 0; // the first read (the start's look for copies) is slow
    const slow: QueueStore = { ...quick, peek: (limit) => new Promise((resolve) => setTimeout(() => resolve(quick.peek(limit)), reads++ ? 0 : 30)) };
    const transport = scriptedTransport();
    const next = createTidemark({ writeKey: 'wk', transport, store: slow, storage, clock: manualClock(), lock: localLock() });
    await next.flush(); // called at once: it waits for the rescued events to be queued again
    expect(transport.delivered.map((e) => e.event)).toContain('rescued');
  });

  it('asks the receipts about a rescued event the queue lacks: another drainer may have sent and removed it', async () => {
    const storage = memoryKeyValue();
    const store = memoryStore();
    const event = { type: 'track', event: 'sent-elsewhere', messageId: 'elsewhere-00000000000', anonymousId: 'a', timestamp: new Date(Date.UTC(2026, 0, 1)).toISOString(), context: {} } as TidemarkEvent;
    rescueEvents(storage, `${RESCUE_PREFIX}dead-page`, [event]);
    const check = vi.fn(async (ids: string[]) => ({ stored: ids })); // the collector has it
    const transport = Object.assign(scriptedTransport(), { check });
    const clock = manualClock();
    const next = createTidemark({ writeKey: 'wk', transport, store, storage, clock, lock: localLock() });
    await new Promise((r) => setTimeout(r, 10));
    const flushed = next.flush();
    await clock.advance(UNCERTAIN_GRACE_MS); // marked at start: the flush waits out the grace
    await flushed;
    expect(check).toHaveBeenCalledWith(['elsewhere-00000000000'], expect.anything());
    expect(transport.sends.flat().map((e) => e.event)).not.toContain('sent-elsewhere');
  });

  it('hands the unload path the newest of its unconfirmed events, about the last thousand', async () => {
    const page = pageLifecycle();
    const { transport, handedTo } = unanswerableHide();
    const unread: QueueStore = { ...memoryStore(), peek: () => new Promise(() => {}) }; // no drain gets to send
    const client = createTidemark({ writeKey: 'wk', transport, store: unread, storage: memoryKeyValue(), lifecycle: page.lifecycle, clock: manualClock(), lock: localLock(), flushAt: 1000 });
    for (let i = 0; i < 3_000; i++) client.track(`e${i}`);
    await new Promise((r) => setTimeout(r, 10));
    page.hide();
    expect(handedTo.length).toBeGreaterThanOrEqual(1_000);
    expect(handedTo.length).toBeLessThanOrEqual(1_100);
    expect(handedTo.at(-1)).toBe('e2999');
    expect(handedTo).not.toContain('e1000');
  });

  it('removes the rescue copy when the page lives on and the write lands', async () => {
    const storage = memoryKeyValue();
    const page = pageLifecycle();
    const client = createTidemark({ writeKey: 'wk', transport: scriptedTransport(), store: memoryStore(), storage, lifecycle: page.lifecycle, clock: manualClock(), lock: localLock(), flushAt: 1000 });
    client.track('a');
    page.hide();
    await new Promise((r) => setTimeout(r, 10));
    expect(storage.keys!().filter((k) => k.startsWith(RESCUE_PREFIX))).toHaveLength(0);
  });

  it('does not hand the unload path events a drain has sent while the queue is still removing them', async () => {
    // Seen in Chromium under load: 20 events reached the collector twice, once in the drain's
    // answered request and again in the page-hide request of a navigation that came while
    // IndexedDB was still deleting them.
    const page = pageLifecycle();
    const { transport, handedTo } = unanswerableHide();
    const inner = memoryStore();
    let release!: () => void;
    const removing = new Promise<void>((resolve) => (release = resolve));
    const store: QueueStore = { ...inner, remove: (keys) => (keys.length ? removing.then(() => inner.remove(keys)) : inner.remove(keys)) };
    const storage = memoryKeyValue();
    const client = createTidemark({ writeKey: 'wk', transport, store, storage, lifecycle: page.lifecycle, clock: manualClock(), lock: localLock(), flushAt: 1000 });
    client.track('a');
    const flushed = client.flush();
    await vi.waitFor(() => expect(transport.sends).toHaveLength(1));
    page.hide();
    expect(handedTo).toEqual([]);
    release();
    expect(await flushed).toMatchObject({ delivered: 2 });
    expect(await store.count()).toBe(0);
    // The page lived to see the removal: nothing is left for a next page to ask about.
    expect(JSON.parse(storage.get(UNCERTAIN_KEY) ?? '{"ids":[]}').ids).toEqual([]);
  });

  it('leaves events of a request the navigation aborted to the receipts, and hands those a 5xx refused', async () => {
    // Seen in Chromium: a navigation aborted the drain's request (ERR_ABORTED) just before the
    // hide; the collector had stored those events, and the keepalive request sent them again.
    const handOff = async (error: TidemarkError) => {
      const page = pageLifecycle();
      const { transport, handedTo } = unanswerableHide();
      transport.answer(() => ({ delivered: [], error }));
      const storage = memoryKeyValue();
      const client = createTidemark({ writeKey: 'wk', transport, store: memoryStore(), storage, lifecycle: page.lifecycle, clock: manualClock(), lock: localLock(), flushAt: 1000 });
      client.track('a');
      await client.flush();
      page.hide();
      return { handedTo, marked: (JSON.parse(storage.get(UNCERTAIN_KEY) ?? '{"ids":[]}') as { ids: string[] }).ids.length };
    };
    expect(await handOff(new TidemarkError('network', 'POST /v1/batch failed: AbortError'))).toEqual({ handedTo: [], marked: 2 });
    expect(await handOff(new TidemarkError('server', 'HTTP 503'))).toEqual({ handedTo: ['session_start', 'a'], marked: 2 });
  });

  it("hands this page's unconfirmed events to the transport's unload path once", async () => {
    const page = pageLifecycle();
    const handedTo: TidemarkEvent[][] = [];
    const transport = {
      ...scriptedTransport(),
      sendOnHide(events: TidemarkEvent[]) {
        handedTo.push(events);
        const handed = events.map((e) => e.messageId);
        return { handed, result: Promise.resolve<SendResult>({ delivered: handed, rejected: [] }) };
      },
    };
    const store = memoryStore();
    const client = createTidemark({ writeKey: 'wk', transport, store, storage: memoryKeyValue(), lifecycle: page.lifecycle, clock: manualClock(), lock: localLock(), flushAt: 1000 });
    client.track('a');
    client.track('b');
    page.hide();
    page.hide(); // visibilitychange and pagehide both fire on navigation
    expect(handedTo).toHaveLength(1);
    expect(handedTo[0]!.map((e) => e.event)).toEqual(['session_start', 'a', 'b']);
    await new Promise((r) => setTimeout(r, 10));
    // Delivered by keepalive: the next drain removes them without sending them again.
    const result = await client.flush();
    expect(result.delivered).toBe(0);
    expect(await store.count()).toBe(0);
    expect(transport.sends).toHaveLength(0);
  });
});
