import { createStore, promisifyRequest, type UseStore } from 'idb-keyval';
import type { QueueEntry, QueueStore } from '../queue-store.js';
import type { TidemarkEvent } from '../types.js';
import { eventJson } from '@tidemark/protocol';
import { queueKeyFactory } from './queue-key.js';
import { entryKey, liveCount, parseRecord, recordKey, recordRange, splitEntryKey } from './idb-records.js';

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
/** Most events in one record: a tick's events share records of up to this many. */
const RECORD_EVENTS = 500;
/** Most events a writer remembers having written (about the default `maxQueueSize`). */
const WRITTEN_CACHE_LIMIT = 10_000;

/** The object-store calls made here, typed by use (this file builds without the DOM's IDB types too). */
interface ObjectStore {
  getAllKeys(query: unknown, count?: number): unknown;
  getAll(query: unknown, count?: number): unknown;
  put(value: unknown, key: string): void;
  delete(key: unknown): void;
  clear(): void;
  readonly transaction: unknown;
}
const run = <T>(request: unknown) => promisifyRequest(request as never) as Promise<T>;

/**
 * A {@link QueueStore} in IndexedDB through idb-keyval. The events of one write share a
 * record (up to 500 per record), so a tick of 100 `track()` calls costs one put, not 100:
 * a browser's IndexedDB spends ~80 µs of main thread per put, whatever its size. The
 * record's key says how many events are still in it (`<time-ordered key>.<count>`), so
 * counting and paging read keys only; removing part of a record rewrites it with holes, so
 * the keys handed out by `peek` (`<record>/<position>`) stay valid. Every tab of the origin
 * shares the store; each record is the JSON text of its events, made once per event.
 *
 * @param options - database and store names
 * @returns the store; wrap it in `resilientStore` to survive IndexedDB failures
 * @example const store = indexedDbStore({ storeName: 'queue-wk_123' });
 */
export function indexedDbStore(options: IndexedDbStoreOptions = {}): QueueStore {
  const { dbName = 'tidemark', storeName = 'queue' } = options;
  const nextKey = queueKeyFactory();
  const use: UseStore = createStore(dbName, storeName);
  const on = <T>(mode: 'readonly' | 'readwrite', fn: (store: ObjectStore) => T | PromiseLike<T>) => use(mode, (store) => fn(store as unknown as ObjectStore));
  /** Requests made in one write transaction; resolves once it commits. */
  const write = (requests: (store: ObjectStore) => void) =>
    on('readwrite', (store) => {
      requests(store);
      return run<void>(store.transaction);
    });
  // What this writer added, by record, while no other tab removed any of it: the drainer is
  // usually the tab that wrote the events, and reading them back from disk (and parsing
  // them) is most of a drain's cost. Other writers' records are read as usual.
  const written = new Map<string, Array<TidemarkEvent | null>>();
  let cached = 0;

  return {
    kind: 'indexeddb',
    async add(events) {
      if (!events.length) return;
      const rows: Array<[string, string]> = [];
      const mine: Array<[string, TidemarkEvent[]]> = [];
      for (let i = 0; i < events.length; i += RECORD_EVENTS) {
        const part = events.slice(i, i + RECORD_EVENTS);
        const prefix = nextKey();
        rows.push([recordKey(prefix, part.length), `[${part.map(eventJson).join(',')}]`]);
        mine.push([prefix, part]);
      }
      await write((store) => rows.forEach(([key, value]) => store.put(value, key)));
      for (const [prefix, part] of mine) {
        if (cached + part.length > WRITTEN_CACHE_LIMIT) break;
        written.set(prefix, part.slice());
        cached += part.length;
      }
    },
    async peek(limit) {
      // A count of 0 would mean "all" to IndexedDB; a fraction or NaN would throw.
      limit = Math.min(Math.floor(limit), MAX_COUNT);
      if (!(limit > 0)) return [];
      const damaged: string[] = [];
      const out = await on('readonly', async (store) => {
        const keys = await run<string[]>(store.getAllKeys(null, limit));
        // Only as many records as hold `limit` events; their keys say how many each holds.
        let needed = 0;
        let events = 0;
        while (needed < keys.length && events < limit) events += liveCount(keys[needed++]!);
        const chosen = keys.slice(0, needed);
        if (chosen.length) dropOlderThan(splitEntryKey(chosen[0]!).prefix);
        // Keys and values in one transaction, so the two lists line up.
        const fromDisk = chosen.some((key) => !sameAsWritten(key));
        const values = fromDisk ? await run<unknown[]>(store.getAll(recordRange(chosen[0]!, chosen[chosen.length - 1]!))) : undefined;
        const entries: QueueEntry[] = [];
        chosen.forEach((key, i) => {
          const { prefix } = splitEntryKey(key);
          const record = sameAsWritten(key) ? written.get(prefix)! : parseRecord(values?.[i]);
          if (!record) return void damaged.push(key);
          record.forEach((event, position) => {
            if (event && entries.length < limit) entries.push({ key: entryKey(prefix, position), event });
          });
        });
        return entries;
      });
      // A row that is not a record of events (damaged, or written by a foreign script) would
      // block the queue forever: remove it.
      if (damaged.length) await write((store) => damaged.forEach((key) => store.delete(key)));
      return out;
    },
    async remove(keys) {
      if (!keys.length) return;
      const byRecord = new Map<string, Set<number>>();
      for (const key of keys) {
        const { prefix, position } = splitEntryKey(key);
        if (position === undefined) continue;
        if (!byRecord.has(prefix)) byRecord.set(prefix, new Set());
        byRecord.get(prefix)!.add(position);
      }
      await on('readwrite', async (store) => {
        for (const [prefix, positions] of byRecord) {
          // Every event this writer put in the record is going (the usual drain of its own
          // writes): delete it whatever its count, without reading its key first. Another
          // tab can only have removed some of the same events, never added any.
          const mine = written.get(prefix);
          if (mine?.every((event, position) => !event || positions.has(position))) {
            store.delete(recordRange(prefix));
            forget(prefix);
            continue;
          }
          // The record's current key (its count may have changed since the peek).
          const [key] = await run<string[]>(store.getAllKeys(recordRange(prefix), 1));
          if (key === undefined) continue;
          const cachedRecord = sameAsWritten(key) ? written.get(prefix) : undefined;
          const record = cachedRecord ?? parseRecord((await run<unknown[]>(store.getAll(recordRange(prefix), 1)))[0]) ?? [];
          let left = 0;
          record.forEach((event, position) => {
            if (positions.has(position)) record[position] = null;
            else if (event) left++;
          });
          store.delete(key);
          if (left) store.put(`[${record.map((e) => (e ? eventJson(e) : 'null')).join(',')}]`, recordKey(prefix, left));
          if (cachedRecord && !left) forget(prefix);
        }
        return run(store.transaction);
      });
    },
    count() {
      return on('readonly', async (store) => (await run<string[]>(store.getAllKeys(null))).reduce((n, key) => n + liveCount(key), 0));
    },
    async clear() {
      await write((store) => store.clear());
      written.clear();
      cached = 0;
    },
  };

  /** Whether this writer's memory of a record matches the record under `key` (no other tab took part of it). */
  function sameAsWritten(key: string): boolean {
    const record = written.get(splitEntryKey(key).prefix);
    return !!record && record.reduce((n, e) => n + (e ? 1 : 0), 0) === liveCount(key);
  }

  function forget(prefix: string): void {
    cached -= written.get(prefix)?.length ?? 0;
    written.delete(prefix);
  }

  /** Forget records older than the oldest in the store: another tab drained them. */
  function dropOlderThan(oldest: string): void {
    for (const prefix of written.keys()) if (prefix < oldest) forget(prefix);
  }
}
