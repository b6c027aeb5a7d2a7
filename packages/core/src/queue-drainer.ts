import type { WorkerFlushAnswer, WorkerFlushMessage } from '@tidemark/protocol';
import { systemClock, type Clock } from './clock.js';
import { drainLockName, type DrainLock } from './drain-lock.js';
import { rejectedError, type TidemarkError } from './errors.js';
import { EventQueue } from './event-queue.js';
import { Flusher } from './flusher.js';
import type { FlushResult } from './flusher-options.js';
import type { KeyValueStorage } from './key-value.js';
import { DEFAULTS } from './options.js';
import { defaultDrainLock } from './platform/browser.js';
import { defaultStore } from './platform/default-store.js';
import { browserGlobals } from './platform/browser-globals.js';
import type { QueueStore } from './queue-store.js';
import type { Transport } from './transport.js';
import { trimOldest } from './trim-oldest.js';
import { UncertainLedger } from './uncertain.js';

/**
 * How many of its own deliveries the drainer remembers. A page that died while its IndexedDB
 * write was pending rescued those events to localStorage; the next page queues them again at
 * its start, often after this worker already sent the committed originals. Without receipts
 * nobody could tell them apart from lost events: the worker, which sent them, can. It may
 * hold a tenth more between trims.
 */
const RECENT_DELIVERIES = 5_000;

/** Options of {@link QueueDrainer}. */
export interface QueueDrainerOptions {
  /** The queue's write key: names its store and drain lock, as the pages' clients do. */
  writeKey: string;
  transport: Transport;
  /** Where the drainer keeps its uncertain events (synchronous; persisted by the caller). */
  storage: KeyValueStorage;
  /** @default the write key's IndexedDB queue, the one the pages write */
  store?: QueueStore;
  /** @default the write key's Web Lock, the one the pages drain under */
  lock?: DrainLock;
  /** @default the system clock */
  clock?: Clock;
  /** Whether the host believes it is online. @default `navigator.onLine` */
  isOnline?: () => boolean;
  /** Told about failures (sends, the store); the drainer carries on. */
  onError?: (error: TidemarkError) => void;
}

/**
 * Drains a queue that clients elsewhere fill: the Tidemark service worker drains the queue
 * the site's pages write, so sends outlive navigations and closed tabs. It writes nothing; it
 * sends what is queued under the same drain lock as the pages, with the same backoff and
 * delivery receipts.
 */
export class QueueDrainer {
  readonly #queue: EventQueue;
  readonly #flusher: Flusher;
  readonly #uncertain: UncertainLedger;
  readonly #clock: Clock;
  readonly #writeKey: string;
  /** Recently delivered by this drainer, oldest first: their copies queued again leave unsent. */
  readonly #delivered = new Set<string>();

  /** @param options - see {@link QueueDrainerOptions} */
  constructor(options: QueueDrainerOptions) {
    const report = options.onError ?? (() => {});
    const clock = (this.#clock = options.clock ?? systemClock);
    this.#writeKey = options.writeKey;
    const isOnline = options.isOnline ?? (() => browserGlobals.navigator?.onLine !== false);
    const ignore = () => {};
    this.#queue = new EventQueue(options.store ?? defaultStore(options.writeKey, report), {
      maxQueueSize: DEFAULTS.maxQueueSize,
      maxEventAgeMs: DEFAULTS.maxEventAgeMs,
      clock,
      prepare: (event) => event,
      onStored: ignore,
      onDrop: ignore,
      onError: ignore,
      onPrepareError: ignore,
    });
    this.#uncertain = new UncertainLedger(options.storage);
    this.#flusher = new Flusher({
      queue: this.#queue,
      transport: options.transport,
      lock: options.lock ?? defaultDrainLock(drainLockName(options.writeKey)),
      clock,
      lifecycle: { isOnline, onOnline: () => ignore, onHide: () => ignore },
      context: { writeKey: options.writeKey },
      flushInterval: DEFAULTS.flushInterval,
      // Pages space their requests to the worker (the gap after a send is theirs): it drains when asked.
      sendGap: 0,
      batchSize: 500,
      canSend: () => true,
      alreadyDelivered: this.#delivered,
      uncertain: this.#uncertain,
      onDelivered: (ids) => this.#remember(ids),
      onRejected: (rejections) => report(rejectedError(rejections)),
      onError: report,
    });
  }

  #remember(ids: string[]): void {
    for (const id of ids) this.#delivered.add(id);
    trimOldest(this.#delivered, RECENT_DELIVERIES);
  }

  /**
   * Drain now.
   *
   * @param explicit - an app's `flush()` (or a Background Sync): ignore backoff and wait for the lock
   * @param uncertain - a page's uncertain events, handed over: asked about before they are re-sent
   * @returns what the drain achieved
   */
  async flush(explicit: boolean, uncertain?: { ids: string[]; at: number }): Promise<FlushResult> {
    if (uncertain) this.#uncertain.mark(uncertain.ids, Math.min(uncertain.at, this.#clock.now()));
    await this.#queue.recount();
    return this.#flusher.flush(explicit);
  }

  /**
   * Answer a page's drain request (a client with `serviceWorker` posts it): drain, taking
   * over the page's uncertain events, and say what the drain achieved.
   *
   * @param message - the page's message, as received (checked here)
   * @returns the answer to post back; `null` when it is for another write key, so the page drains itself
   */
  async answer(message: Partial<WorkerFlushMessage>): Promise<WorkerFlushAnswer | null> {
    if (message.writeKey !== this.#writeKey) return null;
    const ids = Array.isArray(message.uncertain?.ids) ? message.uncertain.ids.filter((id): id is string => typeof id === 'string') : [];
    const result = await this.flush(message.explicit === true, { ids, at: Number(message.uncertain?.at) || 0 });
    const answer: WorkerFlushAnswer = { delivered: result.delivered, rejected: result.rejected, pending: result.pending };
    if (result.error) answer.error = { code: result.error.code, message: result.error.message };
    return answer;
  }
}
