import type { TidemarkError } from './errors.js';
import type { TidemarkEvent } from './types.js';

/** An event the collector refused for good; it leaves the queue and is reported. */
export interface Rejection {
  messageId: string;
  /** Why, as the collector or the transport put it. */
  reason: string;
}

/**
 * What became of a send. Every event named in `delivered` or `rejected` leaves the queue;
 * every other event of the send stays queued and is retried later.
 */
export interface SendResult {
  /** `messageId`s the collector acknowledged. */
  delivered: string[];
  /** Events refused permanently (400/422 after isolation, or too large for any request). */
  rejected: Rejection[];
  /** Wait at least this long before the next attempt (from `Retry-After`). */
  retryAfterMs?: number;
  /** The failure behind the events left for retry, or behind a stop. */
  error?: TidemarkError;
  /** Stop sending until the app acts (401/403: the write key is wrong). */
  stop?: boolean;
}

/** Per-send information the core hands to a transport. */
export interface SendContext {
  writeKey: string;
  /** Aborted when the client closes. */
  signal?: AbortSignal;
}

/**
 * Moves events to a collector. Implementations never throw; failures are data in
 * the {@link SendResult}.
 */
export interface Transport {
  /** Send events; resolves with what became of each. */
  send(events: TidemarkEvent[], ctx: SendContext): Promise<SendResult>;
  /**
   * Best-effort send while the page is being hidden or unloaded (sendBeacon, fetch
   * keepalive). Returns the `messageId`s it handed to the browser; their fate is unknown,
   * so they stay queued, and the promise (if the page lives) says which were delivered.
   */
  sendOnHide?(events: TidemarkEvent[], ctx: SendContext): { handed: string[]; result: Promise<SendResult> };
  /** Release sockets and timers. */
  close?(): Promise<void>;
}
