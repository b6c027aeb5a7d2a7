import { eventJson, LIMITS, TidemarkError, utf8Length, type TidemarkEvent } from '@tidemark/core';
import type { QueuedEvent } from './event-queue.js';

/** Where the intake hands a tick's sized events: the queue, or the spool and then the queue. */
export type IntakeSink = (items: QueuedEvent[]) => Promise<void> | void;

const RESOLVED: Promise<void> = Promise.resolve();

/**
 * The first stage after `track()`: the calls of one tick, collected as they come and sized
 * together in a microtask. Serializing an event costs about as much as the whole `track()`
 * call, so it is done here, once, off the call (the JSON text is cached and reused for the
 * spool record and the request body). An event that cannot be serialized or is over
 * `LIMITS.maxEventBytes` (32 KB) is refused here, so it never takes a place in the queue.
 */
export class Intake {
  readonly #sink: IntakeSink;
  readonly #onBad: (event: TidemarkEvent, error: TidemarkError) => void;
  #pending: TidemarkEvent[] = [];
  #scheduled = false;
  /** The promise of the calls waiting for the next hand-over, made on demand. */
  #tick: { promise: Promise<void>; resolve: () => void } | undefined;
  /** The last hand-over still running (a spool write). */
  #handing: Promise<void> = RESOLVED;
  #handingCount = 0;

  /**
   * @param sink - takes each tick's events; its promise is what the tick's calls wait for
   * @param onBad - told about each event refused here
   */
  constructor(sink: IntakeSink, onBad: (event: TidemarkEvent, error: TidemarkError) => void) {
    this.#sink = sink;
    this.#onBad = onBad;
  }

  /** Events taken in but not yet in the queue (this tick's, and those of a spool write in progress). */
  get length(): number {
    return this.#pending.length + this.#handingCount;
  }

  /** Take an event in; it moves on at the end of this tick. */
  push(event: TidemarkEvent): void {
    this.#pending.push(event);
    if (!this.#scheduled) {
      this.#scheduled = true;
      queueMicrotask(this.#run);
    }
  }

  /** @returns a promise for this tick's calls: resolved once the sink has taken them */
  tickDone(): Promise<void> {
    if (!this.#tick) {
      let resolve!: () => void;
      const promise = new Promise<void>((r) => (resolve = r));
      this.#tick = { promise, resolve };
    }
    return this.#tick.promise;
  }

  /**
   * Remove the oldest event not yet handed on (the queue bound dropping it).
   *
   * @returns the event, or undefined when none is pending
   */
  shift(): TidemarkEvent | undefined {
    return this.#pending.shift();
  }

  /** @returns resolves once everything taken in so far is in the queue (hands this tick's over now) */
  settled(): Promise<void> {
    this.#run();
    return this.#handing;
  }

  readonly #run = (): void => {
    this.#scheduled = false;
    const events = this.#pending;
    const tick = this.#tick;
    this.#pending = [];
    this.#tick = undefined;
    if (events.length === 0) {
      tick?.resolve();
      return;
    }
    const items: QueuedEvent[] = [];
    for (const event of events) {
      const item = this.#size(event);
      if (item) items.push(item);
    }
    const handed = this.#sink(items);
    if (!handed) {
      tick?.resolve();
      return;
    }
    this.#handingCount += items.length;
    const finish = (): void => {
      this.#handingCount -= items.length;
      tick?.resolve();
    };
    const done = handed.then(finish, finish);
    this.#handing = this.#handing.then(() => done);
  };

  #size(event: TidemarkEvent): QueuedEvent | undefined {
    const sized = sizeEvent(event);
    if (typeof sized === 'number') return { event, bytes: sized, key: undefined };
    this.#onBad(event, sized);
    return undefined;
  }
}

/**
 * The UTF-8 size of an event's JSON text (made once and cached for the spool and the wire),
 * or why it cannot be sent.
 *
 * @param event - a built event
 * @returns its bytes, or the error that refuses it (`invalid_event`, `event_too_large`)
 */
export function sizeEvent(event: TidemarkEvent): number | TidemarkError {
  let json: string;
  try {
    json = eventJson(event);
  } catch (cause) {
    return new TidemarkError('invalid_event', `event ${event.messageId} cannot be serialized to JSON (a circular reference or a BigInt in its properties?)`, cause);
  }
  const bytes = utf8Length(json);
  if (bytes > LIMITS.maxEventBytes) {
    return new TidemarkError('event_too_large', `event ${event.messageId} is ${bytes} bytes; the limit is ${LIMITS.maxEventBytes} (trim its properties)`);
  }
  return bytes;
}
