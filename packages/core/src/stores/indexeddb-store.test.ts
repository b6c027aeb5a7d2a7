import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { createStore, keys, setMany } from 'idb-keyval';
import type { TidemarkEvent } from '../types.js';
import { indexedDbStore } from './indexeddb-store.js';

const ev = (n: number): TidemarkEvent => ({
  type: 'track', event: `e${n}`, messageId: `m${n}`, timestamp: new Date().toISOString(), anonymousId: 'anon-123456', context: { library: { name: 't', version: '0' }, sessionId: 1 },
});

let db = 0;
const fresh = () => `test-${++db}`;

describe('indexedDbStore (logic, on fake-indexeddb)', () => {
  it('reads back in insertion order across several writers sharing a database', async () => {
    const name = fresh();
    const tabA = indexedDbStore({ dbName: name });
    const tabB = indexedDbStore({ dbName: name });
    // Keys order by the millisecond of adding; within one millisecond, writers may interleave.
    const nextMs = () => new Promise((r) => setTimeout(r, 3));
    await tabA.add([ev(1), ev(2)]);
    await nextMs();
    await tabB.add([ev(3)]);
    await nextMs();
    await tabA.add([ev(4)]);
    const entries = await tabA.peek(10);
    expect(entries.map((e) => e.event.event)).toEqual(['e1', 'e2', 'e3', 'e4']);
    expect(new Set(entries.map((e) => e.key)).size).toBe(4);
    expect(await tabB.count()).toBe(4);
  });

  it('peeks a limited range and removes by key without touching the rest', async () => {
    const store = indexedDbStore({ dbName: fresh() });
    await store.add(Array.from({ length: 50 }, (_, i) => ev(i)));
    const first = await store.peek(10);
    expect(first.map((e) => e.event.messageId)).toEqual(Array.from({ length: 10 }, (_, i) => `m${i}`));
    await store.remove(first.map((e) => e.key));
    expect(await store.count()).toBe(40);
    expect((await store.peek(1))[0]!.event.messageId).toBe('m10');
    await store.clear();
    expect(await store.count()).toBe(0);
  });

  it('removes only the given keys when another writer added inside their range', async () => {
    const name = fresh();
    const tabA = indexedDbStore({ dbName: name });
    await tabA.add([ev(1), ev(2), ev(3)]);
    const all = await tabA.peek(10);
    // Remove the first and last: the range between them holds one more key, which must stay.
    await tabA.remove([all[0]!.key, all[2]!.key]);
    expect((await tabA.peek(10)).map((e) => e.event.messageId)).toEqual(['m2']);
    await tabA.remove([all[1]!.key, all[1]!.key, 'unknown']);
    expect(await tabA.count()).toBe(0);
  });

  it("serves its own rows from memory and reads other writers' rows from the database", async () => {
    const name = fresh();
    const tabA = indexedDbStore({ dbName: name });
    const tabB = indexedDbStore({ dbName: name });
    const mine = ev(1);
    await tabA.add([mine]);
    await new Promise((r) => setTimeout(r, 3)); // a later millisecond, so B's row sorts after
    await tabB.add([ev(2)]);
    const seenByA = await tabA.peek(10);
    expect(seenByA[0]!.event).toBe(mine); // the very object, not a copy read back
    expect(seenByA[1]!.event.messageId).toBe('m2');
    const seenByB = await tabB.peek(10);
    expect(seenByB[0]!.event).not.toBe(mine);
    expect(seenByB[0]!.event.messageId).toBe('m1');
    // B drains A's row; A must not resurrect it from memory.
    await tabB.remove([seenByB[0]!.key]);
    expect((await tabA.peek(10)).map((e) => e.event.messageId)).toEqual(['m2']);
  });

  it('stores the events of one write in records of up to 500, and counts from the keys', async () => {
    const dbName = fresh();
    const store = indexedDbStore({ dbName });
    await store.add(Array.from({ length: 1_200 }, (_, i) => ev(i)));
    expect(await keys(createStore(dbName, 'queue'))).toHaveLength(3);
    expect(await store.count()).toBe(1_200);
    const other = indexedDbStore({ dbName }); // reads from disk, not from the writer's memory
    const page = await other.peek(700);
    expect(page.map((e) => e.event.messageId)).toEqual(Array.from({ length: 700 }, (_, i) => `m${i}`));
    await other.remove(page.slice(0, 600).map((e) => e.key));
    expect(await other.count()).toBe(600);
    await other.remove(page.slice(600).map((e) => e.key)); // keys of the same peek, after a rewrite
    expect((await store.peek(1))[0]!.event.messageId).toBe('m700');
    expect(await store.count()).toBe(500);
  });

  it('deletes its own drained records without reading them, also after another writer took part', async () => {
    const name = fresh();
    const tabA = indexedDbStore({ dbName: name });
    const tabB = indexedDbStore({ dbName: name });
    await tabA.add(Array.from({ length: 10 }, (_, i) => ev(i)));
    await new Promise((r) => setTimeout(r, 3));
    await tabA.add([ev(10), ev(11)]);
    const entries = await tabA.peek(12);
    // Another tab removes part of the first record, rewriting it under a new count.
    await tabB.remove((await tabB.peek(4)).map((e) => e.key));
    const reads = { keys: 0, values: 0 };
    const proto = IDBObjectStore.prototype;
    const { getAllKeys, getAll } = proto;
    proto.getAllKeys = function (...args) {
      reads.keys++;
      return getAllKeys.apply(this, args);
    };
    proto.getAll = function (...args) {
      reads.values++;
      return getAll.apply(this, args);
    };
    try {
      await tabA.remove(entries.slice(0, 10).map((e) => e.key));
    } finally {
      Object.assign(proto, { getAllKeys, getAll });
    }
    expect(reads).toEqual({ keys: 0, values: 0 });
    expect((await tabB.peek(10)).map((e) => e.event.messageId)).toEqual(['m10', 'm11']);
    // Part of a record still reads it and keeps the rest.
    await tabA.remove([entries[10]!.key]);
    expect((await tabB.peek(10)).map((e) => e.event.messageId)).toEqual(['m11']);
  });

  it('reads and removes rows of the first format (one event per row)', async () => {
    const dbName = fresh();
    await setMany([['00000000000000legacy', JSON.stringify(ev(7))]], createStore(dbName, 'queue'));
    const store = indexedDbStore({ dbName });
    await store.add([ev(8)]);
    const entries = await store.peek(10);
    expect(entries.map((e) => e.event.messageId)).toEqual(['m7', 'm8']);
    await store.remove([entries[0]!.key]);
    expect((await store.peek(10)).map((e) => e.event.messageId)).toEqual(['m8']);
  });

  it('removes rows that are not events instead of blocking the queue', async () => {
    const dbName = fresh();
    const store = indexedDbStore({ dbName });
    await store.add([ev(1)]);
    await setMany([['0', '{not json'], ['00', 42]], createStore(dbName, 'queue'));
    const entries = await store.peek(10);
    expect(entries.map((e) => e.event.messageId)).toEqual(['m1']);
    expect(await store.count()).toBe(1);
  });
});
