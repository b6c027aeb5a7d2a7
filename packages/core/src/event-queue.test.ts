import { describe, expect, it } from 'vitest';
import { systemClock } from './clock.js';
import { EventQueue } from './event-queue.js';
import type { QueueStore } from './queue-store.js';
import { memoryStore } from './stores/memory-store.js';
import type { TidemarkEvent } from './types.js';

const ev = (n: number): TidemarkEvent => ({ type: 'track', event: `e${n}`, messageId: `m${n}`, timestamp: new Date().toISOString(), anonymousId: 'anon-123456', context: { library: { name: 't', version: '0' }, sessionId: 1 } });
const nextTick = () => new Promise((r) => setTimeout(r, 0));

/** A memory store whose writes wait until `release()`, recording each write's events. */
function slowStore() {
  const inner = memoryStore();
  const writes: string[][] = [];
  let release!: () => void;
  let gate = new Promise<void>((r) => (release = r));
  const store: QueueStore = {
    ...inner,
    async add(events) {
      writes.push(events.map((e) => e.messageId));
      await gate;
      await inner.add(events);
    },
  };
  return {
    store,
    writes,
    release() {
      release();
      gate = new Promise<void>((r) => (release = r));
    },
  };
}

function queueOn(store: QueueStore, stored: string[][] = []) {
  return new EventQueue(store, {
    maxQueueSize: 1_000,
    maxEventAgeMs: 60_000,
    clock: systemClock,
    prepare: (event) => event,
    onStored: (events) => void stored.push(events.map((e) => e.messageId)),
    onDrop: () => {},
    onError: () => {},
    onPrepareError: () => {},
  });
}

describe('EventQueue group commit', () => {
  it('writes the ticks that come while a write runs in one write after it', async () => {
    const slow = slowStore();
    const stored: string[][] = [];
    const queue = queueOn(slow.store, stored);
    queue.push(ev(1));
    await nextTick();
    queue.push(ev(2));
    await nextTick();
    queue.push(ev(3));
    queue.push(ev(4));
    await nextTick();
    expect(slow.writes).toEqual([['m1']]);
    // Not yet durable, so the page-hide path would rescue them.
    expect(queue.unpersisted().map((e) => e.messageId)).toEqual(['m1', 'm2', 'm3', 'm4']);
    slow.release();
    await nextTick();
    expect(slow.writes).toEqual([['m1'], ['m2', 'm3', 'm4']]);
    slow.release();
    await queue.settle();
    expect(stored).toEqual([['m1'], ['m2', 'm3', 'm4']]);
    expect(queue.unpersisted()).toEqual([]);
    expect((await queue.peek(10)).map((e) => e.event.messageId)).toEqual(['m1', 'm2', 'm3', 'm4']);
  });

  it('does not let a write queued after a store change join one queued before it', async () => {
    const slow = slowStore();
    const durable = memoryStore();
    const queue = queueOn(slow.store);
    queue.push(ev(1));
    await nextTick();
    queue.push(ev(2)); // queued behind m1's write, into the memory store
    await nextTick();
    const moved = queue.moveTo(durable);
    queue.push(ev(3)); // after the move: must be written to the durable store
    await nextTick();
    slow.release();
    await nextTick();
    slow.release();
    await moved;
    await queue.settle();
    expect(slow.writes).toEqual([['m1'], ['m2']]);
    expect((await durable.peek(10)).map((e) => e.event.messageId)).toEqual(['m1', 'm2', 'm3']);
    expect(await slow.store.count()).toBe(0);
  });
});
