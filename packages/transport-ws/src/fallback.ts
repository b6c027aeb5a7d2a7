import type { Clock, SendContext, SendResult, TidemarkEvent, TimerHandle, Transport } from '@tidemark/core';
import type { AckLedger } from './ack-ledger.js';
import { fallbackFailed } from './send-results.js';

/** When a {@link Fallback} takes over from a socket that cannot connect. */
export interface FallbackPolicy {
  /** Failed connection attempts in a row (`fallbackAfterAttempts`). */
  afterAttempts: number;
  /** Time without an open socket (`fallbackAfterMs`). */
  afterMs: number;
}

/** What the fallback asks of the transport. */
export interface FallbackHooks {
  /**
   * The socket has been down long enough, or failed often enough: whether sends may go to
   * the fallback now (not when the socket opened meanwhile, nor once stopped or closed).
   */
  mayEnter(): boolean;
  /** Sends now go to the fallback; events waiting for the socket should be handed over. */
  entered(): void;
}

/**
 * The fallback transport and when it carries the sends: from `afterAttempts` failed
 * connection attempts in a row or `afterMs` without an open socket, until the socket opens.
 * The socket keeps trying meanwhile. Every call into the fallback is guarded: whatever it
 * throws or rejects becomes a `network` failure in the result, never an exception in ours.
 *
 * @example
 * const fallback = new Fallback(httpTransport({ host }), systemClock, { afterAttempts: 3, afterMs: 5000 }, {
 *   mayEnter: () => !connection.isOpen,
 *   entered: () => fallback.handOver(ledger, lastContext),
 * });
 */
export class Fallback {
  #transport: Transport;
  #clock: Clock;
  #policy: FallbackPolicy;
  #hooks: FallbackHooks;
  #active = false;
  #failedAttempts = 0;
  #timer: TimerHandle | undefined;

  /**
   * @param transport - the app's fallback, in practice `httpTransport({ host })`
   * @param clock - timers for the `afterMs` deadline
   * @param policy - when to take over
   * @param hooks - asked before taking over, told after
   */
  constructor(transport: Transport, clock: Clock, policy: FallbackPolicy, hooks: FallbackHooks) {
    this.#transport = transport;
    this.#clock = clock;
    this.#policy = policy;
    this.#hooks = hooks;
  }

  /** Whether sends go to the fallback now. */
  get active(): boolean {
    return this.#active;
  }

  /** The fallback's `check`, bound to it, if it has one: receipts are asked over HTTP. */
  get check(): Transport['check'] {
    return this.#transport.check?.bind(this.#transport);
  }

  /** The socket started connecting or dropped: start the `afterMs` clock unless it runs. */
  armTimer(): void {
    if (this.#timer !== undefined) return;
    this.#timer = this.#clock.setTimeout(() => {
      this.#timer = undefined;
      this.#enter();
    }, this.#policy.afterMs);
  }

  /** Cancel the `afterMs` clock (the transport stopped or closed). */
  stopTimer(): void {
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /**
   * A socket closed, or a connection attempt failed.
   *
   * @param wasOpen - whether it had opened; only attempts that never opened count
   */
  socketClosed(wasOpen: boolean): void {
    if (!wasOpen) this.#failedAttempts++;
    this.armTimer();
    if (this.#failedAttempts >= this.#policy.afterAttempts) this.#enter();
  }

  /** The socket opened: sends stream over it again, and the counts start afresh. */
  socketOpened(): void {
    this.#failedAttempts = 0;
    this.#active = false;
    this.stopTimer();
  }

  /** Count failed attempts from zero again (the socket retries with a new write key). */
  resetAttempts(): void {
    this.#failedAttempts = 0;
  }

  /**
   * Hand the events waiting for the socket to the fallback, and settle them from its result.
   *
   * @param ledger - where they wait
   * @param ctx - the context of the latest send
   */
  handOver(ledger: Pick<AckLedger, 'takeQueued' | 'settleFrom'>, ctx: SendContext): void {
    const entries = ledger.takeQueued();
    if (!entries.length) return;
    void this.send(
      entries.map((e) => e.event),
      ctx,
    ).then((result) => ledger.settleFrom(entries, result));
  }

  /**
   * Send through the fallback; never throws or rejects.
   *
   * @param events - the events
   * @param ctx - the send context
   * @returns the fallback's result, or a `network` failure if it threw or rejected
   */
  send(events: TidemarkEvent[], ctx: SendContext): Promise<SendResult> {
    try {
      return Promise.resolve(this.#transport.send(events, ctx)).catch(fallbackFailed);
    } catch (cause) {
      return Promise.resolve(fallbackFailed(cause));
    }
  }

  /**
   * The page-hide path: the fallback's own `sendOnHide` (beacon, `fetch` keepalive) where it
   * has one, since a socket cannot be relied on while the page unloads; else a plain send.
   *
   * @param events - the events, at least one
   * @param ctx - the send context
   * @returns the IDs handed to the browser, and the result if the page lives
   */
  sendOnHide(events: TidemarkEvent[], ctx: SendContext): { handed: string[]; result: Promise<SendResult> } {
    const transport = this.#transport;
    if (!transport.sendOnHide) return { handed: events.map((e) => e.messageId), result: this.send(events, ctx) };
    try {
      return transport.sendOnHide(events, ctx);
    } catch (cause) {
      return { handed: [], result: Promise.resolve(fallbackFailed(cause)) };
    }
  }

  /** Close the fallback too; its failure to close is not the app's problem. */
  async close(): Promise<void> {
    try {
      await this.#transport.close?.();
    } catch {
      // Closing is best effort.
    }
  }

  #enter(): void {
    if (this.#active || !this.#hooks.mayEnter()) return;
    this.#active = true;
    this.#hooks.entered();
  }
}
