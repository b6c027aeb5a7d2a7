// Service-worker delivery, as logic: a page client hands its drains to a worker that runs a
// QueueDrainer over the same IndexedDB queue (fake-indexeddb here). The browser's side (registration, control, Background
// Sync, real IndexedDB) is tested in Chromium by e2e/delivery-copies and service-worker-sync.
import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createTidemark } from './client.js';
import { localLock } from './drain-lock.js';
import { memoryKeyValue, type KeyValueStorage } from './key-value.js';
import type { Lifecycle } from './lifecycle.js';
import { WORKER_FLUSH, type WorkerFlushMessage } from '@tidemark/protocol';
import { QueueDrainer } from './queue-drainer.js';
import type { QueueStore } from './queue-store.js';
import { indexedDbStore } from './stores/indexeddb-store.js';
import { memoryStore } from './stores/memory-store.js';
import type { Transport } from './transport.js';
import { UNCERTAIN_KEY } from './uncertain.js';
import { manualClock, type ScriptedTransport, scriptedTransport } from '@tidemark/test-kit';

const SCRIPT = '/tidemark-sw.js';
/** One clock for the page and the worker, as in a browser. */
let clock = manualClock();

/** The default queue of write key `wk`: the one the pages and the worker share. */
const queueOfWk = () => indexedDbStore({ dbName: 'tidemark-wk' });

/** A worker on the page's queue, behind a stand-in for `navigator.serviceWorker`. */
function installWorker(options: { controls?: boolean; scriptURL?: string; transport?: Transport } = {}) {
  const transport = (options.transport ?? scriptedTransport()) as ScriptedTransport;
  const store = queueOfWk();
  const drainer = new QueueDrainer({ writeKey: 'wk', transport, storage: memoryKeyValue(), store, lock: localLock(), clock, isOnline: () => true });
  const messages: WorkerFlushMessage[] = [];
  const registered: string[] = [];
  const controller = {
    scriptURL: options.scriptURL ?? `https://shop.test${SCRIPT}?writeKey=wk`,
    postMessage(message: WorkerFlushMessage, [port]: MessagePort[]) {
      messages.push(message);
      void drainer.answer(message).then((result) => {
        port!.postMessage(result);
        port!.close();
      });
    },
  };
  vi.stubGlobal('location', { href: 'https://shop.test/page.html' });
  vi.stubGlobal('navigator', {
    serviceWorker: {
      controller: options.controls === false ? null : controller,
      register: async (url: string) => void registered.push(url),
    },
  });
  return { transport, messages, registered, store };
}

function hidingLifecycle() {
  const listeners: Array<() => void> = [];
  const lifecycle: Lifecycle = { isOnline: () => true, onOnline: () => () => {}, onHide: (l) => (listeners.push(l), () => {}) };
  return { lifecycle, hide: () => listeners.forEach((l) => l()) };
}

function pageClient(storage: KeyValueStorage = memoryKeyValue(), extra: { transport?: Transport; lifecycle?: Lifecycle; store?: QueueStore } = {}) {
  const transport = (extra.transport ?? { ...scriptedTransport(), workerParams: { host: 'https://collector.test' } }) as ScriptedTransport;
  const errors: string[] = [];
  const client = createTidemark({
    writeKey: 'wk',
    transport,
    ...(extra.store && { store: extra.store }),
    storage,
    clock,
    lock: localLock(),
    flushAt: 1_000,
    serviceWorker: SCRIPT,
    onError: (e) => errors.push(`${e.code}: ${e.message}`),
    ...(extra.lifecycle && { lifecycle: extra.lifecycle }),
  });
  return { client, transport, errors };
}

afterEach(async () => {
  vi.unstubAllGlobals();
  clock = manualClock();
  await queueOfWk().clear();
});

describe('service-worker delivery', () => {
  it('registers the worker with what it needs to send, and lets it drain: the page sends nothing', async () => {
    const worker = installWorker();
    const page = pageClient();
    for (let i = 0; i < 30; i++) page.client.track(`e${i}`);
    const result = await page.client.flush();
    expect(worker.registered).toEqual(['https://shop.test/tidemark-sw.js?host=https%3A%2F%2Fcollector.test&writeKey=wk']);
    expect(result).toEqual({ delivered: 31, rejected: 0, pending: 0 }); // session_start + 30, as the worker counted
    expect(page.transport.sends).toEqual([]);
    expect(worker.transport.delivered).toHaveLength(31);
    expect(worker.messages.at(-1)).toMatchObject({ type: WORKER_FLUSH, writeKey: 'wk', explicit: true });
  });

  it('sends nothing by keepalive on hide while a worker controls the page', async () => {
    const worker = installWorker();
    const life = hidingLifecycle();
    const sendOnHide = vi.fn(() => ({ handed: [], result: Promise.resolve({ delivered: [], rejected: [] }) }));
    const page = pageClient(memoryKeyValue(), { transport: { ...scriptedTransport(), sendOnHide, workerParams: { host: 'https://c.test' } }, lifecycle: life.lifecycle });
    page.client.track('last-click');
    await page.client.flush();
    page.client.track('at-hide');
    life.hide();
    await vi.waitFor(() => expect(worker.transport.delivered.map((e) => e.event ?? e.type)).toContain('at-hide'));
    expect(sendOnHide).not.toHaveBeenCalled();
  });

  it('keeps no events for page hide while the worker drains: a page whose worker stops controlling leaves them queued', async () => {
    const worker = installWorker();
    const life = hidingLifecycle();
    const handed: string[] = [];
    const sendOnHide = vi.fn((events: Array<{ messageId: string }>) => {
      handed.push(...events.map((e) => e.messageId));
      return { handed: [], result: Promise.resolve({ delivered: [], rejected: [] }) };
    });
    const page = pageClient(memoryKeyValue(), { transport: { ...scriptedTransport(), sendOnHide, workerParams: { host: 'https://c.test' } }, lifecycle: life.lifecycle });
    page.client.track('while-controlled');
    await vi.waitFor(async () => expect(await worker.store.count()).toBe(2)); // session_start + the event, durable
    (navigator.serviceWorker as { controller: unknown }).controller = null; // another script took over, say
    page.client.track('after');
    await vi.waitFor(async () => expect(await worker.store.count()).toBe(3));
    life.hide();
    expect(sendOnHide).toHaveBeenCalledTimes(1);
    expect(handed).toHaveLength(1); // only the event tracked without a worker; the others wait in the queue
    expect(await worker.store.count()).toBe(3);
  });

  it("hands the page's uncertain events to the worker, which asks the collector before re-sending them", async () => {
    const check = vi.fn(async (ids: string[]) => ({ stored: ids }));
    const workerTransport = Object.assign(scriptedTransport(), { check });
    const worker = installWorker({ transport: workerTransport });
    const store = worker.store;
    const storage = memoryKeyValue();
    const page = pageClient(storage);
    page.client.track('sent-before');
    await page.client.flush();
    // Queued, and marked uncertain: a request of this page that no one saw answered.
    page.client.track('maybe-stored');
    await vi.waitFor(async () => expect(await store.count()).toBe(1));
    const [entry] = await store.peek(1);
    storage.set(UNCERTAIN_KEY, JSON.stringify({ at: clock.now() - 10_000, ids: [entry!.event.messageId] }));
    const result = await page.client.flush();
    expect(check).toHaveBeenCalledWith([entry!.event.messageId], expect.anything());
    expect(result).toMatchObject({ delivered: 1, pending: 0 });
    expect(worker.transport.sends.flat().map((e) => e.event)).not.toContain('maybe-stored'); // stored: removed unsent
    expect(storage.get(UNCERTAIN_KEY)).toBeNull(); // the worker holds them now
  });

  it('sends once what a dying page rescued and the next page queued again, though the collector has no receipts', async () => {
    const worker = installWorker(); // its transport has no receipts question
    const life = hidingLifecycle();
    const shared = memoryKeyValue();
    // The first page dies on hide: what it writes to storage after that moment never lands.
    let dead = false;
    const dying: KeyValueStorage = { ...shared, set: (k, v) => void (!dead && shared.set(k, v)), remove: (k) => void (!dead && shared.remove(k)) };
    const first = pageClient(dying, { lifecycle: life.lifecycle });
    for (let i = 0; i < 5; i++) first.client.track(`nav-${i}`);
    life.hide(); // the rescue is written (the IndexedDB write is pending), and the worker is asked to drain
    dead = true;
    await vi.waitFor(() => expect(worker.transport.delivered.filter((e) => e.event?.startsWith('nav-'))).toHaveLength(5));
    expect(shared.keys!().some((k) => k.startsWith('tm_rescue:'))).toBe(true);
    // The next page finds the rescued events missing from the queue (the worker removed them) and queues them again.
    const next = pageClient(shared);
    expect(await next.client.flush()).toMatchObject({ pending: 0 });
    await clock.advance(60_000); // any drain the page planned has run
    await vi.waitFor(async () => expect(await worker.store.count()).toBe(0));
    const sent = worker.transport.sends.flat().map((e) => e.event).filter((name) => name?.startsWith('nav-'));
    expect(sent).toEqual(['nav-0', 'nav-1', 'nav-2', 'nav-3', 'nav-4']); // once each: the worker knew it had sent them
  });

  it('drains itself when no worker controls the page, or another script does', async () => {
    for (const options of [{ controls: false }, { scriptURL: 'https://shop.test/other-sw.js' }]) {
      const worker = installWorker(options);
      const page = pageClient();
      page.client.track('e');
      expect((await page.client.flush()).pending).toBe(0);
      expect(page.transport.delivered).toHaveLength(2);
      expect(worker.messages).toEqual([]);
    }
  });

  it('says why when the transport cannot be rebuilt in a worker, and drains itself', async () => {
    const worker = installWorker();
    const page = pageClient(memoryKeyValue(), { transport: scriptedTransport() });
    page.client.track('e');
    expect((await page.client.flush()).pending).toBe(0);
    expect(page.errors).toEqual([expect.stringMatching(/^invalid_option: serviceWorker needs a transport/)]);
    expect(worker.registered).toEqual([]);
  });

  it("answers null to another write key's page, and drops what is not an ID from a handed-over record", async () => {
    const check = vi.fn(async () => ({ stored: [] }));
    const drainer = new QueueDrainer({ writeKey: 'wk', transport: Object.assign(scriptedTransport(), { check }), storage: memoryKeyValue(), store: memoryStore(), lock: localLock(), clock });
    expect(await drainer.answer({ type: WORKER_FLUSH, writeKey: 'other', explicit: true, uncertain: { ids: [], at: 0 } })).toBeNull();
    const answer = await drainer.answer({ type: WORKER_FLUSH, writeKey: 'wk', explicit: false, uncertain: { ids: ['a', 42 as never, null as never], at: clock.now() } });
    expect(answer).toEqual({ delivered: 0, rejected: 0, pending: 0 });
  });

  it('says why a custom store cannot be drained by the worker, and drains itself (nothing waits for a worker that cannot see it)', async () => {
    const worker = installWorker();
    const page = pageClient(memoryKeyValue(), { store: memoryStore() });
    page.client.track('e');
    expect(await page.client.flush()).toEqual({ delivered: 2, rejected: 0, pending: 0 });
    expect(page.transport.delivered).toHaveLength(2);
    expect(page.errors).toEqual([expect.stringMatching(/^invalid_option: serviceWorker drains the default IndexedDB queue/)]);
    expect(worker.registered).toEqual([]);
  });

  it('drains itself while its queue is in memory (IndexedDB failed), though a worker controls the page', async () => {
    const worker = installWorker();
    const broken = indexedDB.open;
    indexedDB.open = () => {
      throw new DOMException('blocked', 'SecurityError');
    };
    try {
      const page = pageClient();
      page.client.track('e');
      expect(await page.client.flush()).toEqual({ delivered: 2, rejected: 0, pending: 0 });
      expect(page.transport.delivered).toHaveLength(2);
      expect(worker.messages).toEqual([]);
    } finally {
      indexedDB.open = broken;
    }
  });

  it('refuses a serviceWorker option that is not a URL string', () => {
    expect(() => createTidemark({ writeKey: 'wk', transport: scriptedTransport(), serviceWorker: 42 as never })).toThrow(/serviceWorker must be/);
  });
});
