import { LIMITS, utf8Length } from '@tidemark/protocol';
import { TidemarkError, type TidemarkEvent } from '@tidemark/core';
import type { QueuedEvent } from './send-queue.js';

/**
 * Where the intake hands a tick's sized events: the queue, or the spool and then the queue.
 * With `withEvents`, `events` are the items' events in the same order (the spool writes those).
 */
export type IntakeSink = (items: QueuedEvent[], events: TidemarkEvent[]) => Promise<void> | void;

/** How an {@link Intake} sizes events and where it hands them. */
export interface IntakeOptions {
  /** Takes each tick's events; its promise is what the tick's calls wait for. */
  sink: IntakeSink;
  /**
   * Makes an event's JSON text: core's cached `eventJson` where a spool needs the text a
   * second time for its record; else `JSON.stringify`, which spares the cache's WeakMap.
   */
  serialize: (event: TidemarkEvent) => string;
  /** Hand the sink the events too, not only their text (a spool stores the events). */
  withEvents: boolean;
  /** Told about each event refused here. */
  onBad: (event: TidemarkEvent, error: TidemarkError) => void;
}

const RESOLVED: Promise<void> = Promise.resolve();

/**
 * The first stage after `track()`: the calls of one tick, collected as they come and sized
 * together in a microtask. Serializing an event costs about as much as the whole `track()`
 * call, so it is done here, once, off the call, and the JSON text travels with the event to
 * the request body. An event that cannot be serialized or is over `LIMITS.maxEventBytes`
 * (32 KB) is refused here, so it never takes a place in the queue.
 */
export class Intake {
  readonly #o: IntakeOptions;
  #pending: TidemarkEvent[] = [];
  #scheduled = false;
  /** The promise of the calls waiting for the next hand-over, made on demand. */
  #tick: { promise: Promise<void>; resolve: () => void } | undefined;
  /** The last hand-over still running (a spool write). */
  #handing: Promise<void> = RESOLVED;
  #handingCount = 0;

  /** @param options - see {@link IntakeOptions} */
  constructor(options: IntakeOptions) {
    this.#o = options;
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
    const kept: TidemarkEvent[] = [];
    const withEvents = this.#o.withEvents;
    for (const event of events) {
      const item = this.#size(event);
      if (item) {
        items.push(item);
        if (withEvents) kept.push(event);
      }
    }
    const handed = this.#o.sink(items, kept);
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
    const sized = sizeEvent(event, this.#o.serialize);
    if (!(sized instanceof TidemarkError)) return sized;
    this.#o.onBad(event, sized);
    return undefined;
  }
}

/**
 * An event made ready to queue: its JSON text and that text's UTF-8 size, or why it cannot
 * be sent.
 *
 * @param event - a built event
 * @param serialize - makes the JSON text
 * @returns the queue item (without a spool key), or the error that refuses the event
 *   (`invalid_event`, `event_too_large`)
 */
export function sizeEvent(event: TidemarkEvent, serialize: (event: TidemarkEvent) => string): QueuedEvent | TidemarkError {
  let json: string;
  try {
    json = serialize(event);
  } catch (cause) {
    return new TidemarkError('invalid_event', `event ${event.messageId} cannot be serialized to JSON (a circular reference or a BigInt in its properties?)`, cause);
  }
  const bytes = utf8Length(json);
  if (bytes > LIMITS.maxEventBytes) {
    return new TidemarkError('event_too_large', `event ${event.messageId} is ${bytes} bytes; the limit is ${LIMITS.maxEventBytes} (trim its properties)`);
  }
  return { id: event.messageId, json, bytes, key: undefined };
}
