// The page-hide path against what overlaps it: a second hide, a drain asking the receipts,
// a keepalive answer seen by the origin's other tabs, and a clock set back. Two clients on one
// memory store, one key-value storage and one lock stand for two tabs of an origin (its
// IndexedDB queue, localStorage and Web Lock).
import { describe, expect, it } from 'vitest';
import { createTidemark } from './client.js';
import { localLock } from './drain-lock.js';
import { memoryKeyValue, type KeyValueStorage } from './key-value.js';
import type { Lifecycle } from './lifecycle.js';
import type { QueueStore } from './queue-store.js';
import { RESCUE_PREFIX } from './rescue.js';
import { memoryStore } from './stores/memory-store.js';
import { UNCERTAIN_GRACE_MS, UncertainLedger } from './uncertain.js';
import type { CheckResult, SendResult, TidemarkEvent } from './index.js';
import { manualClock, scriptedTransport } from '@tidemark/test-kit';

/** A lifecycle whose page-hide the test triggers. */
function pageLifecycle(online = true) {
  const listeners: Array<() => void> = [];
  const lifecycle: Lifecycle = { isOnline: () => online, onOnline: () => () => {}, onHide: (l) => (listeners.push(l), () => {}) };
  return { lifecycle, hide: () => listeners.forEach((l) => l()) };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 10));
const named = (events: TidemarkEvent[], name: string) => events.filter((e) => (e.event ?? e.type) === name).length;

/** A transport with receipts whose answer names every event the wire has carried. */
function recordingTransport(wire: TidemarkEvent[], hideAnswers: boolean) {
  const sent = (events: TidemarkEvent[]) => (wire.push(...events), events.map((e) => e.messageId));
  return {
    ...scriptedTransport(),
    send: async (events: TidemarkEvent[]): Promise<SendResult> => ({ delivered: sent(events), rejected: [] }),
    check: async (ids: string[]): Promise<CheckResult> => ({ stored: ids.filter((id) => wire.some((e) => e.messageId === id)) }),
    sendOnHide(events: TidemarkEvent[]) {
      const handed = sent(events);
      const answer: SendResult = { delivered: handed, rejected: [] };
      return { handed, result: hideAnswers ? Promise.resolve(answer) : new Promise<SendResult>(() => {}) };
    },
  };
}

/**
 * One origin's localStorage seen from several tabs: a write by one tab reaches the others'
 * `subscribe` listeners (the `storage` event), never its own.
 */
function originStorage() {
  const shared = memoryKeyValue();
  const tabs: Array<Array<(key: string, value: string | null) => void>> = [];
  return function tab(): KeyValueStorage {
    const own: Array<(key: string, value: string | null) => void> = [];
    tabs.push(own);
    const tell = (key: string, value: string | null) => tabs.filter((t) => t !== own).forEach((t) => t.forEach((l) => l(key, value)));
    return {
      ...shared,
      set: (key, value) => (shared.set(key, value), tell(key, value)),
      remove: (key) => (shared.remove(key), tell(key, null)),
      subscribe: (listener) => (own.push(listener), () => own.splice(own.indexOf(listener), 1)),
    };
  };
}

/** One site's tabs: clients on one queue, lock and clock, whose requests all reach `wire`. */
function origin() {
  const store = memoryStore();
  const lock = localLock();
  const clock = manualClock();
  const wire: TidemarkEvent[] = [];
  const tab = (storage: KeyValueStorage, hideAnswers: boolean, lifecycle?: Lifecycle) =>
    createTidemark({ writeKey: 'wk', transport: recordingTransport(wire, hideAnswers), store, storage, clock, lock, flushAt: 1000, flushInterval: 60_000, ...(lifecycle && { lifecycle }) });
  return { store, clock, wire, tab };
}

describe('page hide, against what overlaps it', () => {
  it('keeps the rescue of an event tracked between visibilitychange and pagehide until its write lands', async () => {
    const storage = memoryKeyValue();
    const durable = memoryStore(); // what IndexedDB holds
    let landFirst!: () => void;
    const first = new Promise<void>((resolve) => (landFirst = resolve));
    let writes = 0;
    // The first write commits when the test says; the second never does (the page dies first).
    const store: QueueStore = { ...durable, kind: 'indexeddb', add: (events) => (writes++ === 0 ? first.then(() => durable.add(events)) : new Promise<void>(() => {})) };
    const page = pageLifecycle(false); // offline: no keepalive, the rescue is all there is
    const client = createTidemark({ writeKey: 'wk', transport: scriptedTransport(), store, storage, lifecycle: page.lifecycle, clock: manualClock(), lock: localLock(), flushAt: 1000 });
    client.track('clicked-link');
    await Promise.resolve();
    page.hide(); // visibilitychange
    client.track('page-left'); // the app's own listener of it
    await Promise.resolve();
    page.hide(); // pagehide: rescues again, under the same key
    landFirst();
    await tick();
    expect(storage.keys!().filter((k) => k.startsWith(RESCUE_PREFIX))).toHaveLength(1);

    const transport = scriptedTransport(); // the page died; the next one starts
    const next = createTidemark({ writeKey: 'wk', transport, store: durable, storage, clock: manualClock(), lock: localLock() });
    await tick();
    await next.flush();
    expect(named(transport.delivered, 'clicked-link')).toBe(1);
    expect(named(transport.delivered, 'page-left')).toBe(1);
  });

  it('does not hand keepalive the events of a batch whose drain is asking the receipts', async () => {
    const store = memoryStore();
    const storage = memoryKeyValue();
    const T = Date.UTC(2026, 0, 1);
    // The previous page left an event uncertain: this page's first drain asks about it.
    const left = { type: 'track', event: 'prev-page', messageId: 'prev-page-00000000000', anonymousId: 'a', timestamp: new Date(T - 10_000).toISOString(), context: {} } as TidemarkEvent;
    await store.add([left]);
    new UncertainLedger(storage).mark([left.messageId], T - 10_000);
    const wire: TidemarkEvent[] = [];
    let answer!: (result: CheckResult) => void;
    const transport = { ...recordingTransport(wire, false), check: () => new Promise<CheckResult>((resolve) => (answer = resolve)) };
    const page = pageLifecycle();
    const client = createTidemark({ writeKey: 'wk', transport, store, storage, lifecycle: page.lifecycle, clock: manualClock(T), lock: localLock(), flushAt: 1000 });
    client.track('clicked');
    await tick();
    const flushed = client.flush();
    await tick();
    page.hide(); // the visitor navigates while the question is out
    answer({ stored: [] });
    await flushed;
    expect(named(wire, 'clicked')).toBe(1);
    expect(named(wire, 'prev-page')).toBe(1);
  });

  for (const [title, otherTab] of [
    ['another tab of the origin', true],
    ['the next visit, after the tab closed', false],
  ] as const) {
    it(`asks the receipts, instead of sending again, about what a hidden tab's keepalive delivered: ${title}`, async () => {
      const { store, clock, wire, tab } = origin();
      const storage = memoryKeyValue();
      const page = pageLifecycle();
      // The visitor switches away (the page lives on and sees the keepalive's answer)…
      const hidden = tab(storage, true, page.lifecycle);
      hidden.track('read-article');
      await tick();
      page.hide();
      await tick();
      // … then drains elsewhere: another tab, or this tab's next visit once it was closed.
      if (!otherTab) page.hide();
      const other = tab(storage, true);
      await tick();
      const flushed = other.flush();
      await clock.advance(UNCERTAIN_GRACE_MS);
      await flushed;
      expect(named(wire, 'read-article')).toBe(1);
      expect(await store.count()).toBe(0);
    });
  }

  it('does not hand keepalive the events another tab has delivered', async () => {
    const { wire, tab } = origin();
    const storage = originStorage();
    const page = pageLifecycle();
    const a = tab(storage(), false, page.lifecycle);
    const b = tab(storage(), false);
    a.track('from-a');
    await tick();
    await b.flush(); // tab B drains the origin's queue, tab A's event with it
    expect(named(wire, 'from-a')).toBe(1);
    a.track('after');
    await tick();
    page.hide(); // the visitor closes tab A
    expect(named(wire, 'from-a')).toBe(1);
    expect(named(wire, 'after')).toBe(1); // what no drain has taken still goes by keepalive
  });

  it('removes what its own keepalive delivered without a receipts question once it is shown again', async () => {
    const store = memoryStore();
    const wire: TidemarkEvent[] = [];
    let questions = 0;
    const transport = { ...recordingTransport(wire, true), check: async (ids: string[]) => (questions++, { stored: ids }) };
    const page = pageLifecycle();
    const client = createTidemark({ writeKey: 'wk', transport, store, storage: memoryKeyValue(), lifecycle: page.lifecycle, clock: manualClock(), lock: localLock(), flushAt: 1000, flushInterval: 60_000 });
    client.track('read-article');
    await tick();
    page.hide();
    await tick();
    await client.flush();
    expect(named(wire, 'read-article')).toBe(1);
    expect(questions).toBe(0);
    expect(await store.count()).toBe(0);
  });

  it('sends an event queued twice (a rescue queued again as the dying write landed) once, and leaves neither copy', async () => {
    const store = memoryStore();
    const event = { type: 'track', event: 'twice', messageId: 'twice-000000000000000', anonymousId: 'a', timestamp: new Date().toISOString(), context: {} } as TidemarkEvent;
    await store.add([event]);
    await store.add([{ ...event }]);
    const wire: TidemarkEvent[] = [];
    const client = createTidemark({ writeKey: 'wk', transport: recordingTransport(wire, false), store, storage: memoryKeyValue(), clock: manualClock(), lock: localLock(), flushAt: 1000 });
    await tick();
    await client.flush();
    await client.flush();
    expect(named(wire, 'twice')).toBe(1);
    expect(await store.count()).toBe(0);
  });

  it('sends within the grace after a reload although the clock was set back an hour since the marks', async () => {
    const store = memoryStore();
    const storage = memoryKeyValue();
    const T = Date.UTC(2026, 0, 1);
    // The first page's clock is an hour fast; its request never answers (the visitor reloads).
    const dying = { ...scriptedTransport(), send: () => new Promise<SendResult>(() => {}), check: async () => ({ stored: [] as string[] }) };
    const first = createTidemark({ writeKey: 'wk', transport: dying, store, storage, clock: manualClock(T + 3_600_000), lock: localLock(), flushAt: 1000 });
    first.track('before-reload');
    void first.flush();
    await tick();
    const clock = manualClock(T + 60_000); // corrected in between
    const transport = Object.assign(scriptedTransport(), { check: async () => ({ stored: [] as string[] }) });
    const second = createTidemark({ writeKey: 'wk', transport, store, storage, clock, lock: localLock() });
    for (let i = 0; i < 30; i++) second.track(`after-${i}`);
    await clock.advance(10_000);
    expect(named(transport.delivered, 'before-reload')).toBe(1);
    expect(named(transport.delivered, 'after-29')).toBe(1);
  });
});
