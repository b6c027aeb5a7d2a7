import type { Clock } from './clock.js';
import type { DrainLock } from './drain-lock.js';
import type { TidemarkError } from './errors.js';
import type { EventQueue } from './event-queue.js';
import type { Lifecycle } from './lifecycle.js';
import type { Rejection, SendContext, Transport } from './transport.js';
import type { UncertainLedger } from './uncertain.js';

/** A page's least time between two automatic requests while fewer than a batch are queued (see `sendGap`). */
export const SEND_GAP_MS = 1_000;

/** What one `flush()` achieved. */
export interface FlushResult {
  /** Events the collector acknowledged during this flush. */
  delivered: number;
  /** Events refused for good during this flush. */
  rejected: number;
  /** Events this client knows are still queued afterwards. */
  pending: number;
  /** The failure that stopped the flush early, if any. */
  error?: TidemarkError;
}

/** Options of {@link Flusher}. */
export interface FlusherOptions {
  queue: EventQueue;
  transport: Transport;
  lock: DrainLock;
  clock: Clock;
  lifecycle: Lifecycle;
  context: SendContext;
  flushInterval: number;
  /**
   * Least ms between two automatic requests while fewer than `batchSize` are queued: while
   * events stream in, a page's request per tick would cost its main thread a millisecond or
   * more each (the platform's own cost of a fetch), so what arrives meanwhile waits and goes
   * as one. 0 for a drainer whose requests cost no page anything (the service worker, which
   * pages already ask at that pace). The app's `flush()` and the page-hide path never wait.
   */
  sendGap: number;
  /** Events read from the queue per send. */
  batchSize: number;
  /** Events that may be sent now (false while consent is pending or denied). */
  canSend: () => boolean;
  /**
   * `messageId`s known delivered by another path (a page's keepalive on hide, or this worker's
   * own earlier send of an event a page queued again): removed without sending, once.
   */
  alreadyDelivered: Set<string>;
  /** Events a page could not see the end of; asked about through receipts before a re-send. */
  uncertain: UncertainLedger;
  /**
   * Another context that drains this queue for the client (a service worker), asked first;
   * it answers `undefined` when it is not there, and this flusher drains itself.
   */
  delegate?: (explicit: boolean) => Promise<FlushResult | undefined>;
  onDelivered: (messageIds: string[]) => void;
  onRejected: (rejections: Rejection[]) => void;
  onError: (error: TidemarkError) => void;
  random?: () => number;
}
