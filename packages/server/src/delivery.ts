import type { TidemarkEvent } from '@tidemark/core';
import { packBatch } from './batch-pack.js';
import { BatchSender, type SendOutcome } from './batch-sender.js';
import { Closer } from './closer.js';
import { EventQueue } from './event-queue.js';
import { asTidemarkError, type Reporter } from './reporter.js';
import type { DropReason, ResolvedServerOptions } from './server-options.js';
import { sleep } from './sleep.js';

/** How long `close()` keeps trying before it drops what is left. */
export const CLOSE_TIMEOUT_MS = 5_000;

/** Delivery counters (the client adds `invalid`). */
export interface DeliveryCounts {
  queued: number;
  inFlight: number;
  delivered: number;
  rejected: number;
  dropped: number;
  retries: number;
}

/**
 * The delivery stage of a server client: the bounded queue, batches in flight (at most
 * `maxConcurrentRequests`), their outcomes, and the pause after a refused key or a collector
 * that keeps failing. Events come in built and valid; nothing here throws.
 */
export class Delivery {
  readonly #o: ResolvedServerOptions;
  readonly #reporter: Reporter;
  readonly #queue: EventQueue;
  readonly #closer = new Closer();
  readonly #sender: BatchSender;
  readonly #inFlight = new Set<Promise<void>>();
  readonly #counts = { delivered: 0, rejected: 0, dropped: 0, retries: 0, inFlight: 0 };
  #pumpQueued = false;
  #paused = false;

  /**
   * @param options - the client's resolved options
   * @param reporter - where problems go
   */
  constructor(options: ResolvedServerOptions, reporter: Reporter) {
    this.#o = options;
    this.#reporter = reporter;
    this.#queue = new EventQueue(options.maxQueueSize);
    this.#sender = new BatchSender({ ...options, closer: this.#closer });
  }

  /** Queue an event; at `flushAt` a send starts in a microtask, so one tick's calls pack together. */
  enqueue(event: TidemarkEvent): void {
    if (this.#queue.push(event)) this.drop(1, 'queue_full');
    if (this.#queue.length >= this.#o.flushAt && !this.#pumpQueued && !this.#paused) {
      this.#pumpQueued = true;
      queueMicrotask(this.#pump);
    }
  }

  /** Send everything queued now; resolves when it and what was in flight have settled. */
  async flush(): Promise<void> {
    let remaining = this.#queue.length;
    while (remaining > 0 && !this.#closer.closed) {
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

  /** The timer ticked: lift a pause and send what is queued. */
  tick(): void {
    this.#paused = false;
    if (this.#queue.length > 0) void this.flush();
  }

  /**
   * Flush for at most {@link CLOSE_TIMEOUT_MS}, then end requests and backoff waits, release
   * sockets and drop what is left.
   *
   * @returns how many events were dropped
   */
  async close(): Promise<number> {
    const limit = new Closer();
    await Promise.race([this.flush(), sleep(this.#o.clock, CLOSE_TIMEOUT_MS, limit)]);
    limit.close();
    this.#closer.close(); // aborted sends hand their events back to the queue
    await Promise.all(this.#inFlight);
    this.#o.closeFetch?.();
    const dropped = this.#queue.clear();
    this.drop(dropped, 'closed');
    return dropped;
  }

  /** @returns the counters now */
  counts(): DeliveryCounts {
    return { queued: this.#queue.length, ...this.#counts };
  }

  /**
   * Count dropped events, warn once per reason and tell `onDrop`.
   *
   * @param count - how many (nothing happens for 0)
   * @param reason - why
   */
  drop(count: number, reason: DropReason): void {
    if (count === 0) return;
    this.#counts.dropped += count;
    this.#reporter.warn(
      reason === 'queue_full'
        ? `events dropped: more than maxQueueSize (${this.#o.maxQueueSize}) queued; the oldest go first`
        : `${count} event(s) still undelivered when close() gave up after ${CLOSE_TIMEOUT_MS / 1000} s were dropped`,
      reason,
    );
    try {
      this.#o.onDrop?.({ reason, count });
    } catch {
      // The app's handler failed; delivery carries on.
    }
  }

  readonly #pump = (): void => {
    this.#pumpQueued = false;
    while (!this.#paused && this.#inFlight.size < this.#o.maxConcurrentRequests && this.#queue.length >= this.#o.flushAt) {
      if (this.#startBatch(Infinity) === 0) break;
    }
  };

  /** Take one batch off the queue and send it; returns how many events left the queue. */
  #startBatch(limit: number): number {
    const { batch, taken } = packBatch(this.#queue, limit, (_event, error) => {
      this.#counts.rejected++;
      this.#reporter.report(error, error.code);
    });
    if (batch.events.length === 0) return taken;
    this.#counts.inFlight += batch.events.length;
    const sending: Promise<void> = this.#sender
      .send(batch)
      .catch((error: unknown): SendOutcome => ({ delivered: 0, rejected: [], requeue: batch.events, retries: 0, errors: [asTidemarkError(error)], pause: true }))
      .then((outcome) => {
        this.#counts.inFlight -= batch.events.length;
        this.#inFlight.delete(sending);
        this.#settle(outcome);
      });
    this.#inFlight.add(sending);
    return taken;
  }

  #settle(outcome: SendOutcome): void {
    this.#counts.delivered += outcome.delivered;
    this.#counts.rejected += outcome.rejected.length;
    this.#counts.retries += outcome.retries;
    for (const error of outcome.errors) this.#reporter.report(error, error.code);
    if (outcome.requeue.length) this.drop(this.#queue.unshift(outcome.requeue), 'queue_full');
    if (outcome.delivered > 0) this.#paused = false;
    // A refused key or a collector that keeps failing: wait for the timer (or flush()) instead
    // of hammering it with the next batch at once.
    else if (outcome.pause) this.#paused = true;
    if (this.#reporter.debug) this.#reporter.log(`sent: ${outcome.delivered} delivered, ${outcome.rejected.length} refused, ${outcome.requeue.length} re-queued`);
    if (!this.#closer.closed) this.#pump();
  }
}
