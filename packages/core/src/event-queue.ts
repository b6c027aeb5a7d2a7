import type { Clock } from './clock.js';
import type { QueueEntry, QueueStore } from './queue-store.js';
import type { DropInfo } from '@tidemark/protocol';
import type { TidemarkEvent } from './types.js';

export type { DropInfo, DropReason } from '@tidemark/protocol';

/** Options of {@link EventQueue}. */
export interface EventQueueOptions {
  maxQueueSize: number;
  maxEventAgeMs: number;
  clock: Clock;
  /** Turns a call's raw event into a valid one, or `undefined` to drop it (already reported). */
  prepare: (event: TidemarkEvent) => TidemarkEvent | undefined;
  /** Told after each durable write, with the events written. */
  onStored: (events: TidemarkEvent[], approxCount: number) => void;
  onDrop: (info: DropInfo) => void;
  /** Told when the store failed a write (a custom store that is not resilient). */
  onError: (error: unknown, events: TidemarkEvent[]) => void;
  /** Told when preparing one event threw (a bug or a hostile value); only that event is lost. */
  onPrepareError: (error: unknown) => void;
}

/** Events moved per step when the queue changes store. */
const MOVE_PAGE = 500;

/**
 * The client's side of the durable queue. `push` is the hot path: it only appends to an
 * array. Everything pushed in one tick is prepared and written in one store call (one
 * IndexedDB transaction) from a microtask, so a loop of 1,000 `track()` calls costs one
 * write, not 1,000; ticks that come while a write runs share the next one.
 *
 * Store changes (consent moving events between memory and the durable store, clearing on
 * opt-out) run in the same chain as the writes, in call order: a write queued after a
 * change lands in the store the change left, and a clear removes only what was queued
 * before it.
 */
export class EventQueue {
  #store: QueueStore;
  #pending: TidemarkEvent[] = [];
  #scheduled = false;
  #writing: Promise<void> = Promise.resolve();
  /** Prepared batches whose store write has not finished. */
  readonly #unsaved = new Set<TidemarkEvent[]>();
  /** The batch of a write queued behind a running one, which later ticks join until it starts. */
  #open: TidemarkEvent[] | undefined;
  #approx = 0;
  #moves = 0;
  readonly #opts: EventQueueOptions;

  /**
   * @param store - where events wait
   * @param options - bounds and callbacks
   */
  constructor(store: QueueStore, options: EventQueueOptions) {
    this.#store = store;
    this.#opts = options;
  }

  /** The store in use. */
  get store(): QueueStore {
    return this.#store;
  }

  /** How many times the queue moved to another store: each move gives every event a new key. */
  get moves(): number {
    return this.#moves;
  }

  /** Events known to be queued (other tabs' additions are learnt at the next count). */
  get approxCount(): number {
    return this.#approx;
  }

  /** Queue an event built by a call. Never throws; preparation happens in a microtask. */
  push(event: TidemarkEvent): void {
    this.#pending.push(event);
    if (!this.#scheduled) {
      this.#scheduled = true;
      queueMicrotask(() => this.#write());
    }
  }

  /** Wait until everything pushed so far is written. */
  async settle(): Promise<void> {
    this.#write();
    await this.#writing;
  }

  /**
   * Events not yet confirmed durable: what was pushed this tick (prepared now) and the
   * batches whose write is still running. The page-hide path rescues them synchronously,
   * because a page that navigates away can die before an IndexedDB write commits.
   *
   * @returns the events, oldest first
   */
  unpersisted(): TidemarkEvent[] {
    this.#write();
    return [...this.#unsaved].flat();
  }

  /**
   * Add events that are already prepared (rescued by an earlier page), bypassing validation.
   *
   * @param events - valid events
   */
  async addPrepared(events: TidemarkEvent[]): Promise<void> {
    await this.#store.add(events);
    this.#approx += events.length;
  }

  /** Learn the real count from the store (at start, and when tabs share it). */
  async recount(): Promise<number> {
    return (this.#approx = await this.#store.count());
  }

  /**
   * Oldest entries, up to `limit`, after dropping those older than `maxEventAgeMs`.
   *
   * @param limit - most entries to return
   * @returns entries in queue order
   */
  async peek(limit: number): Promise<QueueEntry[]> {
    await this.settle();
    const entries = await this.#store.peek(limit);
    const cutoff = this.#opts.clock.now() - this.#opts.maxEventAgeMs;
    const expired = entries.filter((e) => Date.parse(e.event.timestamp) < cutoff);
    if (!expired.length) return entries;
    await this.remove(expired.map((e) => e.key));
    this.#opts.onDrop({ reason: 'expired', count: expired.length });
    return entries.filter((e) => !expired.includes(e));
  }

  /** Remove entries by key. */
  async remove(keys: string[]): Promise<void> {
    if (!keys.length) return;
    await this.#store.remove(keys);
    this.#approx = Math.max(0, this.#approx - keys.length);
  }

  /**
   * Drop everything queued so far (this tick's calls included); calls made after this one
   * are kept.
   *
   * @param others - more stores to empty with it (the durable store while the queue is in memory)
   * @returns how many events were dropped from the queue
   */
  clear(others: QueueStore[] = []): Promise<number> {
    const dropped = this.#pending.length;
    this.#pending = [];
    return this.#change(async (store) => {
      const stored = await store.count();
      await store.clear();
      for (const other of others) if (other !== store) await other.clear();
      this.#approx = 0;
      return { store, result: dropped + stored };
    });
  }

  /**
   * Move every queued event to another store (consent granted: memory → durable), after
   * the writes queued so far and before any queued later.
   *
   * @param store - the new store
   */
  moveTo(store: QueueStore): Promise<void> {
    this.#write();
    return this.#change(async (old) => {
      if (old === store) return { store, result: undefined };
      // Page by page, oldest first: a browser's IndexedDB refuses to read more than 2^32 − 1
      // rows at once, and a page in hand is all a failure mid-move can leave in both stores.
      // Bounded by the count at the start, so a store that fails to remove cannot loop forever.
      for (let left = await old.count(); left > 0; ) {
        const entries = await old.peek(Math.min(left, MOVE_PAGE));
        if (!entries.length) break;
        await store.add(entries.map((e) => e.event));
        await old.remove(entries.map((e) => e.key));
        left -= entries.length;
      }
      this.#approx = await store.count();
      this.#moves++;
      return { store, result: undefined };
    });
  }

  /** Run a store change in the write chain; the chain goes on whether it succeeds or fails. */
  #change<T>(run: (store: QueueStore) => Promise<{ store: QueueStore; result: T }>): Promise<T> {
    // Writes queued after a change go to the store it leaves: none may join one queued before.
    this.#open = undefined;
    const done = this.#writing.then(async () => {
      const { store, result } = await run(this.#store);
      this.#store = store;
      return result;
    });
    this.#writing = done.then(
      () => {},
      () => {},
    );
    return done;
  }

  #write(): void {
    this.#scheduled = false;
    if (!this.#pending.length) return;
    const raw = this.#pending;
    this.#pending = [];
    const ready: TidemarkEvent[] = [];
    for (const event of raw) {
      // One event's failure must never cost its neighbours of the same tick.
      try {
        const prepared = this.#opts.prepare(event);
        if (prepared) ready.push(prepared);
      } catch (err) {
        this.#opts.onPrepareError(err);
      }
    }
    if (!ready.length) return;
    // Group commit: while an earlier write runs, later ticks join the one queued behind it,
    // so a busy page costs one IndexedDB transaction per commit, not one per tick.
    if (this.#open) {
      for (const event of ready) this.#open.push(event);
      return;
    }
    this.#open = ready;
    this.#unsaved.add(ready);
    this.#writing = this.#writing
      .then(() => {
        if (this.#open === ready) this.#open = undefined;
        return this.#store.add(ready);
      })
      .then(() => {
        this.#unsaved.delete(ready);
        this.#approx += ready.length;
        this.#opts.onStored(ready, this.#approx);
        if (this.#approx > this.#opts.maxQueueSize) return this.#trim();
      })
      .catch((err) => {
        this.#unsaved.delete(ready);
        this.#opts.onError(err, ready);
      });
  }

  async #trim(): Promise<void> {
    const excess = (await this.recount()) - this.#opts.maxQueueSize;
    if (excess <= 0) return;
    const oldest = await this.#store.peek(excess);
    await this.remove(oldest.map((e) => e.key));
    this.#opts.onDrop({ reason: 'queue_full', count: oldest.length });
  }
}
