import { createStore, clear, delMany, promisifyRequest, setMany, type UseStore } from 'idb-keyval';
import type { QueueEntry, QueueStore } from '../queue-store.js';
import type { TidemarkEvent } from '../types.js';
import { eventJson } from '@tidemark/protocol';
import { queueKeyFactory } from './queue-key.js';
import { browserGlobals } from '../platform/browser-globals.js';

/** Options of {@link indexedDbStore}. */
export interface IndexedDbStoreOptions {
  /** Database name. @default 'tidemark' */
  dbName?: string;
  /** Object store name; one per write key keeps apps on one origin apart. @default 'queue' */
  storeName?: string;
}

/**
 * Largest `count` IndexedDB takes: the spec types it `[EnforceRange] unsigned long`, so
 * Chromium throws a TypeError for more (fake-indexeddb does not).
 */
const MAX_COUNT = 2 ** 32 - 1;

/** Most events a writer remembers having written (about the default `maxQueueSize`). */
const WRITTEN_CACHE_LIMIT = 10_000;

/**
 * A {@link QueueStore} in IndexedDB through idb-keyval: one key per event, so adding and
 * removing never rewrites the queue (the localStorage-queue failure of older SDKs), and
 * every tab of the origin shares it. Each event is stored as its JSON text: cloning one
 * string is cheaper than cloning an object tree, and the text was already made to check
 * the 32 KB limit.
 *
 * @param options - database and store names
 * @returns the store; wrap it in `resilientStore` to survive IndexedDB failures
 * @example const store = indexedDbStore({ storeName: 'queue-wk_123' });
 */
export function indexedDbStore(options: IndexedDbStoreOptions = {}): QueueStore {
  const { dbName = 'tidemark', storeName = 'queue' } = options;
  const nextKey = queueKeyFactory();
  const use: UseStore = createStore(dbName, storeName);
  // What this writer added and has not yet seen removed: the drainer is usually the tab that
  // wrote the events, and reading them back from disk (and parsing, and re-serializing them
  // for the request) is most of a drain's cost. Other writers' rows are read as usual.
  const written = new Map<string, TidemarkEvent>();
  return {
    kind: 'indexeddb',
    async add(events) {
      if (!events.length) return;
      const entries = events.map((event): [string, string] => [nextKey(), eventJson(event)]);
      await setMany(entries, use);
      if (written.size < WRITTEN_CACHE_LIMIT) entries.forEach(([key], i) => written.set(key, events[i]!));
    },
    async peek(limit) {
      // A count of 0 would mean "all" to IndexedDB; a fraction or NaN would throw.
      limit = Math.min(Math.floor(limit), MAX_COUNT);
      if (!(limit > 0)) return [];
      const [keys, values] = await use('readonly', async (store) => {
        // Our keys are strings; the casts also keep this file free of the DOM's IDB types.
        const keys = (await promisifyRequest(store.getAllKeys(null, limit))) as string[];
        if (keys.every((key) => written.has(key))) return [keys, undefined] as const;
        // Keys and values in one transaction, so the two lists line up.
        return [keys, (await promisifyRequest(store.getAll(null, limit))) as unknown[]] as const;
      });
      const out: QueueEntry[] = [];
      const damaged: string[] = [];
      keys.forEach((key, i) => {
        const event = written.get(key) ?? parse(values?.[i]);
        if (event) out.push({ key: String(key), event });
        else damaged.push(key);
      });
      // A row that is not an event (damaged, or written by a foreign script) would block the
      // queue forever: remove it.
      if (damaged.length) await delMany(damaged, use);
      return out;
    },
    async remove(keys) {
      if (!keys.length) return;
      const sorted = [...new Set(keys)].sort();
      const range = browserGlobals.IDBKeyRange!.bound(sorted[0]!, sorted[sorted.length - 1]!);
      // The drainer removes the oldest entries it just read: usually one unbroken key range,
      // which one range delete clears far faster than a request per key. Counting the range
      // in the same transaction proves no other key (another tab's) sits inside it.
      await use('readwrite', async (store) => {
        if ((await promisifyRequest(store.count(range as never))) === sorted.length) store.delete(range as never);
        else for (const key of sorted) store.delete(key);
        return promisifyRequest(store.transaction);
      });
      for (const key of sorted) written.delete(key);
    },
    count() {
      return use('readonly', (store) => promisifyRequest(store.count()) as Promise<number>);
    },
    async clear() {
      await clear(use);
      written.clear();
    },
  };
}

function parse(value: unknown): TidemarkEvent | undefined {
  try {
    const event = typeof value === 'string' ? JSON.parse(value) : value;
    return event && typeof event === 'object' && typeof event.messageId === 'string' ? event : undefined;
  } catch {
    return undefined;
  }
}
