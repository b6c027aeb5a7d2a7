import { TidemarkError } from '@tidemark/core';
import type { Clock, SendResult, TidemarkEvent, TimerHandle } from '@tidemark/core';
import { FRAME_OVERHEAD, frameOf } from './frames.js';
import type { Encoded } from './frames.js';
import { PendingSend } from './pending-send.js';
import type { Outcome } from './pending-send.js';

/** One event the transport holds: queued for the socket, or written and awaiting its ack. */
export interface Entry {
  id: string;
  event: TidemarkEvent;
  json: string;
  bytes: number;
  /** Every send that contains this event (the core may hand it over twice, e.g. on hide). */
  waiters: PendingSend[];
  /** Set while written and unacknowledged. */
  frame?: Frame;
}

/** Events written in one frame, with the deadline of their acknowledgement. */
interface Frame {
  ids: Set<string>;
  timer: TimerHandle;
  /** Clock time of the write. */
  writtenAt: number;
  /** The caller's mark at the write (the transport's count of server messages). */
  mark: number;
}

/** What the ledger tells the transport. */
export interface LedgerHooks {
  /** Acks or timeouts made room in the in-flight window. */
  freed(): void;
  /** A frame went unacknowledged past its deadline; `mark` is what was given at its write. */
  expired(mark: number): void;
}

/** A frame ready to write: its text and the IDs it carries. */
export interface FrameToWrite {
  text: string;
  ids: string[];
}

/** Limits a frame must respect. */
export interface FrameLimits {
  /** Most events written and unacknowledged at once. */
  maxInFlight: number;
  maxFrameEvents: number;
  maxFrameBytes: number;
}

/**
 * The bookkeeping of acknowledgements: which events wait to be written, which are written
 * and await `reportedIds`, which send each belongs to, and their deadlines. It does no I/O;
 * the transport writes the frames it hands out and tells it what the socket did.
 */
export class AckLedger {
  #entries = new Map<string, Entry>();
  #queue: Entry[] = [];
  #inFlight = 0;
  #clock: Clock;
  #ackTimeoutMs: number;
  #hooks: LedgerHooks;

  /**
   * @param clock - timers for acknowledgement deadlines
   * @param ackTimeoutMs - how long a written event may wait for its ack
   * @param hooks - told when room frees up in the window and when a frame expires
   */
  constructor(clock: Clock, ackTimeoutMs: number, hooks: LedgerHooks) {
    this.#clock = clock;
    this.#ackTimeoutMs = ackTimeoutMs;
    this.#hooks = hooks;
  }

  /** Events waiting to be written. */
  get queued(): number {
    return this.#queue.length;
  }

  /** Events written and not yet acknowledged. */
  get inFlight(): number {
    return this.#inFlight;
  }

  /**
   * Whether an event is written to the socket and awaiting its ack.
   *
   * @param id - the event's `messageId`
   * @returns true while it is in flight
   */
  isWritten(id: string): boolean {
    return this.#entries.get(id)?.frame !== undefined;
  }

  /**
   * Take events in. Events already held join the existing entry instead of being sent
   * twice; events that can never be sent are rejected at once.
   *
   * @param events - the events of one `send()`
   * @param encode - serializes an event, or says why it cannot be sent
   * @returns the pending send, which resolves when every event has an outcome
   */
  add(events: readonly TidemarkEvent[], encode: (event: TidemarkEvent) => Encoded): PendingSend {
    const pending = new PendingSend(events.map((e) => e.messageId));
    for (const event of events) {
      const id = event.messageId;
      const held = this.#entries.get(id);
      if (held) {
        if (!held.waiters.includes(pending)) held.waiters.push(pending);
        continue;
      }
      const encoded = encode(event);
      if ('reason' in encoded) {
        pending.settle(id, { kind: 'rejected', reason: encoded.reason });
        continue;
      }
      const entry: Entry = { id, event, json: encoded.json, bytes: encoded.bytes, waiters: [pending] };
      this.#entries.set(id, entry);
      this.#queue.push(entry);
    }
    return pending;
  }

  /**
   * Move the oldest queued events into a frame, within the limits, and start its deadline.
   *
   * @param limits - window and frame size
   * @param mark - a number handed back if the frame expires
   * @returns the frame to write, or `undefined` when nothing is queued or the window is full
   */
  nextFrame(limits: FrameLimits, mark = 0): FrameToWrite | undefined {
    const room = Math.min(limits.maxInFlight - this.#inFlight, limits.maxFrameEvents);
    if (room <= 0 || !this.#queue.length) return undefined;
    let count = 0;
    let bytes = FRAME_OVERHEAD;
    while (count < room && count < this.#queue.length) {
      const next = this.#queue[count]!;
      // An event alone always fits: events over the frame limit were rejected by encode.
      if (count && bytes + next.bytes + 1 > limits.maxFrameBytes) break;
      bytes += next.bytes + 1;
      count++;
    }
    const taken = this.#queue.splice(0, count);
    const frame: Frame = { ids: new Set(taken.map((e) => e.id)), timer: undefined, writtenAt: this.#clock.now(), mark };
    frame.timer = this.#clock.setTimeout(() => this.#expire(frame), this.#ackTimeoutMs);
    for (const entry of taken) entry.frame = frame;
    this.#inFlight += taken.length;
    return { text: frameOf(taken.map((e) => e.json), new Date(frame.writtenAt)), ids: [...frame.ids] };
  }

  /**
   * Apply a `reportedIds` message. IDs the ledger does not hold are ignored (a late ack of
   * an event already retried elsewhere, or a server echoing someone else's ID).
   *
   * @param ids - the acknowledged IDs
   * @param rejected - IDs the collector refused for good, with its reasons
   * @returns how many held events they settled
   */
  ack(ids: readonly string[], rejected: ReadonlyArray<{ id: string; reason: string }> = []): number {
    let matched = 0;
    const settle = (id: string, outcome: Outcome) => {
      const entry = this.#entries.get(id);
      if (!entry) return;
      matched++;
      this.#finish(entry, outcome);
    };
    for (const id of ids) settle(id, { kind: 'delivered' });
    for (const { id, reason } of rejected) settle(id, { kind: 'rejected', reason });
    if (matched) this.#hooks.freed();
    return matched;
  }

  /**
   * Report every written, unacknowledged event for retry (the socket closed under them).
   * Queued events stay queued for the next connection.
   *
   * @param error - why, for the send results
   */
  failInFlight(error: TidemarkError): void {
    for (const entry of [...this.#entries.values()]) if (entry.frame) this.#finish(entry, { kind: 'failed', error });
  }

  /**
   * Give every held event, queued or written, the same outcome (close, refused key).
   *
   * @param outcome - usually a failure
   */
  finishAll(outcome: Outcome): void {
    this.#queue = []; // emptied at once: finishing queued entries one by one would search it each time
    for (const entry of [...this.#entries.values()]) this.#finish(entry, outcome);
  }

  /**
   * Remove the queued (never written) events, e.g. to hand them to the fallback transport.
   *
   * @returns the entries removed; settle them with {@link AckLedger.settleFrom}
   */
  takeQueued(): Entry[] {
    const taken = this.#queue;
    this.#queue = [];
    for (const entry of taken) this.#entries.delete(entry.id);
    return taken;
  }

  /**
   * Settle entries taken with {@link AckLedger.takeQueued} from another transport's result.
   *
   * @param entries - the entries handed over
   * @param result - what the other transport reported
   */
  settleFrom(entries: readonly Entry[], result: SendResult): void {
    const delivered = new Set(result.delivered);
    const rejected = new Map(result.rejected.map((r) => [r.messageId, r.reason]));
    const error = result.error ?? new TidemarkError('network', 'the fallback transport did not deliver these events');
    for (const entry of entries) {
      const reason = rejected.get(entry.id);
      const outcome: Outcome = delivered.has(entry.id)
        ? { kind: 'delivered' }
        : reason !== undefined
          ? { kind: 'rejected', reason }
          : { kind: 'failed', error, stop: result.stop };
      for (const waiter of entry.waiters) waiter.settle(entry.id, outcome);
    }
  }

  #expire(frame: Frame): void {
    const error = new TidemarkError('network', `no acknowledgement within ${this.#ackTimeoutMs} ms; the events will be retried`);
    let expired = 0;
    for (const id of frame.ids) {
      const entry = this.#entries.get(id);
      if (entry?.frame !== frame) continue;
      expired++;
      this.#finish(entry, { kind: 'failed', error });
    }
    if (!expired) return;
    this.#hooks.expired(frame.mark);
    this.#hooks.freed();
  }

  #finish(entry: Entry, outcome: Outcome): void {
    this.#entries.delete(entry.id);
    const frame = entry.frame;
    if (frame) {
      this.#inFlight--;
      frame.ids.delete(entry.id);
      if (!frame.ids.size) this.#clock.clearTimeout(frame.timer);
      entry.frame = undefined;
    } else {
      const at = this.#queue.indexOf(entry);
      if (at >= 0) this.#queue.splice(at, 1);
    }
    for (const waiter of entry.waiters) waiter.settle(entry.id, outcome);
  }
}
