import type { Clock } from './clock.js';
import type { QueueEntry, QueueStore } from './queue-store.js';
import type { TidemarkEvent } from './types.js';

/** Why events left the queue without being delivered. */
export type DropReason =
  /** The queue held more than `maxQueueSize`; the oldest were dropped. */
  | 'queue_full'
  /** Older than `maxEventAgeMs`. */
  | 'expired'
  /** Refused by the collector for good. */
  | 'rejected'
  /** Failed validation (bad name, too large) or dropped by `beforeSend`. */
  | 'invalid'
  /** Consent was denied, or the user opted out. */
  | 'consent';

/** Payload of the `drop` event. */
export interface DropInfo {
  reason: DropReason;
  count: number;
}

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
}

/**
 * The client's side of the durable queue. `push` is the hot path: it only appends to an
 * array. Everything pushed in one tick is prepared and written in one store call (one
 * IndexedDB transaction) from a microtask, so a loop of 1,000 `track()` calls costs one
 * write, not 1,000.
 */
export class EventQueue {
  #store: QueueStore;
  #pending: TidemarkEvent[] = [];
  #scheduled = false;
  #writing: Promise<void> = Promise.resolve();
  /** Prepared batches whose store write has not finished. */
  readonly #unsaved = new Set<TidemarkEvent[]>();
  #approx = 0;
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

  /** Drop everything, pending writes included. */
  async clear(): Promise<void> {
    this.#pending = [];
    await this.#writing;
    await this.#store.clear();
    this.#approx = 0;
  }

  /**
   * Move every queued event to another store (consent granted: memory → durable).
   *
   * @param store - the new store
   */
  async moveTo(store: QueueStore): Promise<void> {
    await this.settle();
    const old = this.#store;
    const entries = await old.peek(Number.MAX_SAFE_INTEGER);
    await store.add(entries.map((e) => e.event));
    this.#store = store;
    await old.clear();
    await this.recount();
  }

  #write(): void {
    this.#scheduled = false;
    if (!this.#pending.length) return;
    const raw = this.#pending;
    this.#pending = [];
    const ready: TidemarkEvent[] = [];
    for (const event of raw) {
      const prepared = this.#opts.prepare(event);
      if (prepared) ready.push(prepared);
    }
    if (!ready.length) return;
    this.#unsaved.add(ready);
    this.#writing = this.#writing
      .then(() => this.#store.add(ready))
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
