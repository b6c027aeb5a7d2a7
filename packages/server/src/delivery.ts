import type { TidemarkError, TidemarkEvent } from '@tidemark/core';
import { eventJson } from '@tidemark/protocol';
import { packBatch } from './batch-pack.js';
import { BatchSender, type SendOutcome } from './batch-sender.js';
import { CLOSE_TIMEOUT_MS } from './close-limit.js';
import { Closer } from './closer.js';
import { DropNotice } from './drop-notice.js';
import { SendQueue, type QueuedEvent } from './send-queue.js';
import { Intake } from './intake.js';
import { ProcessHold } from './process-hold.js';
import { QueueRoom } from './queue-room.js';
import { asTidemarkError, type Reporter } from './reporter.js';
import type { ResolvedServerOptions } from './server-options.js';
import { sleep } from './sleep.js';
import { Spool } from './spool.js';

/** Delivery counters (the client adds `invalid`). */
export interface DeliveryCounts {
  queued: number;
  inFlight: number;
  delivered: number;
  rejected: number;
  dropped: number;
  retries: number;
}

/** What became of the events left when `close()` ended. */
export interface ClosedCounts {
  /** Dropped: no spool to keep them in. */
  dropped: number;
  /** Left in the spool's files for the next start. */
  kept: number;
}

const RESOLVED: Promise<void> = Promise.resolve();

/**
 * The delivery stage of a server client: the intake of each tick's calls, the send queue
 * (mirrored in the spool's files when there is one), the bounds and the backpressure on what
 * is held, batches in flight (at most `maxConcurrentRequests`), their outcomes, and the pause
 * after a refused key or a collector that keeps failing. Events come in built and valid;
 * nothing here throws.
 */
export class Delivery {
  readonly #o: ResolvedServerOptions;
  readonly #reporter: Reporter;
  readonly #queue = new SendQueue();
  readonly #hold = new ProcessHold();
  readonly #room: QueueRoom;
  readonly #spool: Spool | undefined;
  readonly #intake: Intake;
  readonly #closer = new Closer();
  readonly #sender: BatchSender;
  readonly #inFlight = new Set<Promise<void>>();
  readonly #counts = { delivered: 0, rejected: 0, retries: 0, inFlight: 0 };
  readonly #drops: DropNotice;
  /** Events held (taken in, being written, queued or in flight), and the bytes of the sized ones. */
  #held = 0;
  #heldBytes = 0;
  /** The spool's backlog is in the queue (at once without a spool). */
  readonly #ready: Promise<void>;
  #paused = false;

  /**
   * @param options - the client's resolved options
   * @param reporter - where problems go
   */
  constructor(options: ResolvedServerOptions, reporter: Reporter) {
    this.#o = options;
    this.#reporter = reporter;
    this.#room = new QueueRoom(options.maxQueueSize, options.maxQueueBytes, this.#hold);
    this.#drops = new DropNotice(reporter, options.onDrop, options.maxQueueSize, options.maxQueueBytes);
    this.#sender = new BatchSender({ ...options, closer: this.#closer });
    const onBad = (_event: TidemarkEvent, error: TidemarkError): void => this.#refuse(error);
    if (options.spool) {
      const spool = (this.#spool = new Spool(options.spool, (error) => reporter.report(error, error.code)));
      // The store writes the events, with core's cached JSON text of each.
      this.#intake = new Intake({ sink: (items, events) => this.#spoolIn(spool, items, events), serialize: eventJson, withEvents: true, onBad });
      this.#ready = this.#loadBacklog(spool);
    } else {
      this.#intake = new Intake({ sink: (items) => this.#queueIn(items), serialize: JSON.stringify, withEvents: false, onBad });
      this.#ready = RESOLVED;
    }
  }

  /**
   * Take an event in. It is sized with the rest of its tick in a microtask, then queued (with
   * a spool: once written); at `flushAt` queued events a send starts, so one tick's calls pack
   * together.
   *
   * @returns resolves at once while there is room (with a spool: once the event is durable);
   *   from 90% of a bound, once the client is back under it
   */
  enqueue(event: TidemarkEvent): Promise<void> {
    this.#intake.push(event);
    // Checked per call, as the seed did: a caller that never awaits meets the bound exactly.
    if (++this.#held > this.#room.maxEvents && this.#dropOldest()) this.#drops.note(1, 'queue_full');
    const done = this.#spool ? this.#intake.tickDone() : RESOLVED;
    if (!this.#room.tight(this.#held, this.#heldBytes)) return done;
    const room = this.#room.wait();
    return this.#spool ? done.then(() => room) : room;
  }

  /**
   * Send everything queued now, holding the process open until it settles.
   *
   * @returns resolves when what was queued at the call and what was in flight have settled
   */
  async flush(): Promise<void> {
    const release = this.#hold.acquire();
    try {
      await this.#drain();
    } finally {
      release();
    }
  }

  /** The timer ticked: lift a pause and send what is queued. */
  tick(): void {
    this.#paused = false;
    if (this.#queue.length > 0 || this.#intake.length > 0) void this.#drain();
  }

  /**
   * Flush for at most {@link CLOSE_TIMEOUT_MS}, then end requests and backoff waits, release
   * sockets, and drop what is left, or leave it in the spool. Holds the process open until
   * done, so a process whose only work is a backoff wait does not exit with the promise
   * unsettled.
   *
   * @returns how many events were dropped and how many kept in the spool
   */
  async close(): Promise<ClosedCounts> {
    const release = this.#hold.acquire();
    try {
      const limit = new Closer();
      await Promise.race([this.#drain(), sleep(this.#o.clock, CLOSE_TIMEOUT_MS, limit)]);
      limit.close();
      this.#closer.close(); // aborted sends hand their events back to the queue
      await Promise.all(this.#inFlight);
      this.#o.closeFetch?.();
      await this.#ready;
      await this.#intake.settled();
      const left = this.#queue.clear();
      this.#uncount(left);
      this.#room.open();
      // Kept only where they really are on disk: a spool that fell back to memory keeps nothing.
      if (this.#spool && (await this.#spool.close())) return { dropped: 0, kept: left.length };
      this.#drops.note(left.length, 'closed');
      return { dropped: left.length, kept: 0 };
    } finally {
      release();
    }
  }

  /** @returns the counters now */
  counts(): DeliveryCounts {
    return { queued: this.#queue.length + this.#intake.length, dropped: this.#drops.dropped, ...this.#counts };
  }

  /** Send what is queued (and what this tick took in); resolves when it and what was in flight have settled. */
  async #drain(): Promise<void> {
    await this.#ready;
    await this.#intake.settled();
    this.#paused = false; // flush(), close() and the timer each lift a pause
    let remaining = this.#queue.length;
    // Until a batch comes back with a pause (a refused key, retries used up): it went back to
    // the front, and going on would send the same events again instead of the rest.
    while (remaining > 0 && !this.#closer.closed && !this.#paused) {
      if (this.#inFlight.size >= this.#o.maxConcurrentRequests) {
        await Promise.race(this.#inFlight);
        continue;
      }
      const taken = this.#startBatch(remaining);
      if (taken === 0) break;
      remaining -= taken;
    }
    await Promise.all(this.#inFlight);
  }

  /** Memory: a tick's sized events join the queue. */
  #queueIn(items: QueuedEvent[]): void {
    this.#countBytes(items);
    this.#take(items);
  }

  /** Spool: a tick's sized events are written (after the backlog is loaded), then queued with their keys. */
  async #spoolIn(spool: Spool, items: QueuedEvent[], events: TidemarkEvent[]): Promise<void> {
    this.#countBytes(items);
    await this.#ready;
    await spool.append(items, events);
    this.#take(items);
  }

  /** What earlier clients left in the spool goes first, and starts sending at once. */
  async #loadBacklog(spool: Spool): Promise<void> {
    const { items, refused } = await spool.backlog();
    for (const error of refused) this.#reporter.report(error, error.code);
    this.#counts.rejected += refused.length;
    this.#held += items.length;
    this.#countBytes(items);
    this.#take(items);
    if (items.length) queueMicrotask(() => void this.#drain());
  }

  #countBytes(items: QueuedEvent[]): void {
    for (const item of items) this.#heldBytes += item.bytes;
  }

  /** Queue held events, drop the oldest while what is held is over a bound, and send at `flushAt`. */
  #take(items: QueuedEvent[]): void {
    this.#queue.push(items);
    let dropped = 0;
    while (this.#room.over(this.#held, this.#heldBytes) && this.#dropOldest()) dropped++;
    this.#drops.note(dropped, 'queue_full');
    if (!this.#closer.closed) this.#pump();
  }

  /** Take the oldest event not yet sent out of what is held. @returns false when there is none */
  #dropOldest(): boolean {
    const item = this.#queue.shift();
    if (item) {
      this.#leave([item]);
      return true;
    }
    // Everything else is in flight or being written: over the bound until those settle.
    if (this.#intake.shift() === undefined) return false;
    this.#held--;
    return true;
  }

  /** Events that left for good (delivered, refused, dropped): out of the counts and the spool. */
  #leave(items: QueuedEvent[]): void {
    this.#uncount(items);
    this.#spool?.remove(items);
    this.#room.update(this.#held, this.#heldBytes);
  }

  #uncount(items: QueuedEvent[]): void {
    this.#held -= items.length;
    for (const item of items) this.#heldBytes -= item.bytes;
  }

  /** An event refused before queueing (unserializable, over 32 KB). */
  #refuse(error: TidemarkError): void {
    this.#held--;
    this.#counts.rejected++;
    this.#reporter.report(error, error.code);
    this.#room.update(this.#held, this.#heldBytes);
  }

  /** Send at `flushAt`, or with anything queued while calls wait for room (the wait mark may lie below `flushAt`). */
  readonly #pump = (): void => {
    while (!this.#paused && this.#inFlight.size < this.#o.maxConcurrentRequests && (this.#queue.length >= this.#o.flushAt || (this.#room.waiting && this.#queue.length > 0))) {
      if (this.#startBatch(Infinity) === 0) break;
    }
  };

  /** Take one batch off the queue and send it; returns how many events left the queue. */
  #startBatch(limit: number): number {
    const items = packBatch(this.#queue, limit);
    if (items.length === 0) return 0;
    this.#counts.inFlight += items.length;
    const sending: Promise<void> = this.#sender
      .send(items)
      .catch((error: unknown): SendOutcome => ({ delivered: 0, rejected: [], requeue: items, retries: 0, errors: [asTidemarkError(error)], pause: true }))
      .then((outcome) => {
        this.#counts.inFlight -= items.length;
        this.#inFlight.delete(sending);
        this.#settle(items, outcome);
      });
    this.#inFlight.add(sending);
    return items.length;
  }

  #settle(items: QueuedEvent[], outcome: SendOutcome): void {
    this.#counts.delivered += outcome.delivered;
    this.#counts.rejected += outcome.rejected.length;
    this.#counts.retries += outcome.retries;
    for (const error of outcome.errors) this.#reporter.report(error, error.code);
    // Back to the front of the queue (the in-flight events were held all along, so no bound
    // is crossed); the rest have left for good.
    this.#queue.unshift(outcome.requeue);
    if (outcome.requeue.length === 0) this.#leave(items);
    else {
      const back = new Set(outcome.requeue);
      this.#leave(items.filter((item) => !back.has(item)));
    }
    if (outcome.delivered > 0) this.#paused = false;
    // A refused key or a collector that keeps failing: wait for the timer (or flush()) instead
    // of hammering it with the next batch at once.
    else if (outcome.pause) this.#paused = true;
    if (this.#reporter.debug) this.#reporter.log(`sent: ${outcome.delivered} delivered, ${outcome.rejected.length} refused, ${outcome.requeue.length} re-queued`);
    if (!this.#closer.closed) this.#pump();
  }
}
