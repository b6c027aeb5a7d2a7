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

/** The collector's answer to a delivery-receipts question. */
export interface CheckResult {
  /** Of the IDs asked, those the collector has durably stored. */
  stored: string[];
  /** The collector has no receipts (404/405): re-send; it is expected to dedupe by `messageId`. */
  unsupported?: boolean;
  /** The question failed (network, 5xx): ask again later and send none of these meanwhile. */
  error?: TidemarkError;
  /** Wait at least this long before asking again (from `Retry-After`). */
  retryAfterMs?: number;
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
  /**
   * Ask the collector's delivery receipts which of these events it has stored (at most 1,000
   * IDs). The core asks only about events whose earlier send it could not observe; without
   * this method it sends them again.
   */
  check?(messageIds: string[], ctx: SendContext): Promise<CheckResult>;
  /**
   * What a service worker needs to build this transport again (the HTTP options that are
   * plain strings). The client puts them in the worker's registration URL; a transport
   * without them cannot be handed to a worker, and its pages drain themselves.
   */
  workerParams?: Record<string, string>;
  /** Release sockets and timers. */
  close?(): Promise<void>;
}
