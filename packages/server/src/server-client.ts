import { TidemarkError, type EventType, type TidemarkEvent, type TimerHandle } from '@tidemark/core';
import { NO_SESSION } from './attribution-names.js';
import {
  aliasFields, groupFields, identifyFields, pageFields, trackFields,
  type AliasOptions, type FieldReader, type GroupOptions, type IdentifyOptions, type PageOptions, type Properties, type TrackOptions,
} from './call-forms.js';
import { Delivery } from './delivery.js';
import { buildEvent } from './event-builder.js';
import { messageIds, newAnonymousId } from './message-ids.js';
import { readAttribution, type AttributionOptions } from './read-attribution.js';
import { asTidemarkError, Reporter } from './reporter.js';
import { RequestClient, type EnqueueCall, type RequestDefaults } from './request-client.js';
import type { RequestLike } from './request-shape.js';
import { resolveServerOptions, type ResolvedServerOptions, type ServerClientOptions } from './server-options.js';
import { isAnonymousId, validateAnonymousId, validateSessionId } from './validate-id.js';

/** Counters of a client's life, for health checks and tests. */
export interface ClientStats {
  /** Events waiting in memory. */
  queued: number;
  /** Events in requests not yet answered (including backoff waits). */
  inFlight: number;
  /** Events the collector stored. */
  delivered: number;
  /** Events refused for good by the collector (400/422, `rejected` list, 32 KB). */
  rejected: number;
  /**
   * Events dropped: the oldest over `maxQueueSize` or `maxQueueBytes`, and (without a spool)
   * what was left when `close()` gave up.
   */
  dropped: number;
  /** Calls that could not become an event (reported through `onError`). */
  invalid: number;
  /** Request retries made. */
  retries: number;
}

/**
 * What `close()` achieved. Every event held when it began is in exactly one count (or was
 * refused by the collector, which `stats().rejected` counts).
 */
export interface CloseResult {
  /** Events delivered during the final flush. */
  delivered: number;
  /** Events still undelivered after the 5-second limit, now dropped (always 0 with a spool). */
  dropped: number;
  /** Events still undelivered after the 5-second limit, left in the spool for the next start (0 without one). */
  kept: number;
}

const RESOLVED: Promise<void> = Promise.resolve();

/**
 * The server-side client: queues backend events in memory (or in a durable spool), stamps
 * each with the visitor's anonymous ID, and delivers them in `/v1/batch` requests (at most
 * `maxConcurrentRequests` at once) with retry and backoff. Every method returns at once
 * while there is room; nothing throws after set-up. Create it with {@link createServerClient}.
 */
export class ServerClient {
  readonly #o: ResolvedServerOptions;
  readonly #reporter: Reporter;
  readonly #delivery: Delivery;
  #invalid = 0;
  readonly #enqueueCall: EnqueueCall = (type, read, a, b, c, defaults) => this.#call(type, read, a, b, c, defaults);
  readonly #nextMessageId = messageIds();
  #isoMs = NaN;
  #iso = '';
  #timer: TimerHandle | undefined;
  #closing: Promise<CloseResult> | undefined;
  #anonymousId: string | undefined;

  /** @param options - see {@link ServerClientOptions}; a string is the write key */
  constructor(options: ServerClientOptions | string) {
    this.#o = resolveServerOptions(options);
    this.#reporter = new Reporter(this.#o.onError, this.#o.debug ? this.#o.logger : undefined);
    this.#delivery = new Delivery(this.#o, this.#reporter);
    this.#arm();
  }

  /**
   * Track an event: `track({ event, userId?, anonymousId?, properties?, timestamp? })`, or
   * the legacy `track(userId | null, event, properties?)`.
   *
   * @returns a promise that resolves once the event is queued: at once while there is room
   *   (with a spool, once it is on disk); from 90% of `maxQueueSize` or `maxQueueBytes`, once
   *   the client is back under that. Awaiting it is backpressure; not awaiting it is fine too.
   * @example await client.track({ event: 'Purchase Completed', userId: 'u1', properties: { amount: 99.99 } })
   */
  track(options: TrackOptions): Promise<void>;
  track(userId: string | number | null, event: string, properties?: Properties): Promise<void>;
  track(a?: unknown, b?: unknown, c?: unknown): Promise<void> {
    return this.#call('track', trackFields, a, b, c, undefined);
  }

  /**
   * Link a user ID to traits: `identify(userId, traits?)` or `identify({ userId, traits, … })`.
   *
   * @example await client.identify('user_123', { plan: 'pro' })
   */
  identify(options: IdentifyOptions): Promise<void>;
  identify(userId: string | number, traits?: Properties): Promise<void>;
  identify(a?: unknown, b?: unknown, c?: unknown): Promise<void> {
    return this.#call('identify', identifyFields, a, b, c, undefined);
  }

  /**
   * Record a page view: `page(userId | null, name?, properties?)` or `page({ name, … })`.
   *
   * @example await client.page('user_123', 'Pricing', { url: 'https://example.com/pricing' })
   */
  page(options: PageOptions): Promise<void>;
  page(userId: string | number | null, name?: string, properties?: Properties): Promise<void>;
  page(a?: unknown, b?: unknown, c?: unknown): Promise<void> {
    return this.#call('page', pageFields, a, b, c, undefined);
  }

  /**
   * Link a user to a group: `group(userId | null, groupId, traits?)` or `group({ groupId, … })`.
   *
   * @example await client.group('user_123', 'company_456', { name: 'Acme Corp' })
   */
  group(options: GroupOptions): Promise<void>;
  group(userId: string | number | null, groupId: string | number, traits?: Properties): Promise<void>;
  group(a?: unknown, b?: unknown, c?: unknown): Promise<void> {
    return this.#call('group', groupFields, a, b, c, undefined);
  }

  /**
   * Link a new user ID to a previous one (default: the anonymous ID).
   *
   * @example await client.alias('new_user_456', 'old_user_123')
   */
  alias(options: AliasOptions): Promise<void>;
  alias(newUserId: string | number, previousId?: string | number): Promise<void>;
  alias(a?: unknown, b?: unknown, c?: unknown): Promise<void> {
    return this.#call('alias', aliasFields, a, b, c, undefined);
  }

  /**
   * This client's own anonymous ID (a nanoid made on first use), used for events that carry
   * neither a user ID nor a browser's anonymous ID.
   *
   * @returns the ID, stable for the life of the client
   */
  getAnonymousId(): string {
    return (this.#anonymousId ??= newAnonymousId());
  }

  /**
   * A client bound to one request: its events carry the anonymous ID and session ID the
   * request sent (header, cookie or parsed body), validated.
   *
   * @param request - Node `IncomingMessage`, Express/Connect request or Fetch `Request`
   * @param options - other header/cookie names, a parsed body, or the signed-in `userId`
   * @returns the bound client (`anonymousId` is undefined when the request sent no valid ID)
   * @example
   * const tm = client.forRequest(req);
   * await tm.track('Purchase Completed', { amount: 99.99 });
   */
  forRequest(request: RequestLike, options: AttributionOptions & { userId?: string } = {}): RequestClient {
    const attribution = readAttribution(request, options);
    if (attribution.ignored.length && this.#reporter.debug) {
      const reasons = attribution.ignored.map((i) => `${i.source} ${i.name}: ${i.reason}`).join(', ');
      this.#reporter.log(`ignored visitor IDs in a request (${reasons})`);
    }
    return new RequestClient(attribution, options.userId, this.#enqueueCall, () => this.flush());
  }

  /**
   * Send everything queued now, and wait for it (and for requests already in flight),
   * keeping the process alive meanwhile. Events whose retries run out go back to the front
   * of the queue for the next flush, so it settles within `retryLimit` backoffs.
   *
   * @returns resolves when every event queued at the call has been delivered, refused or re-queued
   */
  flush(): Promise<void> {
    return this.#delivery.flush();
  }

  /**
   * Stop the flush timer, flush what is queued for at most 5 seconds, then drop what is left
   * (with a spool: leave it on disk for the next start), counted in the result. The process
   * stays alive until it settles, which it always does. Calls made after `close()` are
   * ignored. Calling it twice returns the same promise.
   *
   * @returns how many events went out during the close, and how many were dropped or kept
   * @example process.on('SIGTERM', async () => { await client.close(); process.exit(0); })
   */
  close(): Promise<CloseResult> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  /** @returns a snapshot of the client's counters */
  stats(): ClientStats {
    return { ...this.#delivery.counts(), invalid: this.#invalid };
  }

  async #close(): Promise<CloseResult> {
    if (this.#timer !== undefined) this.#o.clock.clearTimeout(this.#timer);
    const before = this.#delivery.counts().delivered;
    const { dropped, kept } = await this.#delivery.close();
    return { delivered: this.#delivery.counts().delivered - before, dropped, kept };
  }

  #call(type: EventType, read: FieldReader, a: unknown, b: unknown, c: unknown, defaults: RequestDefaults | undefined): Promise<void> {
    if (this.#closing) {
      this.#reporter.log('a call after close() was ignored');
      return RESOLVED;
    }
    let event: TidemarkEvent;
    try {
      const fields = read(a, b, c);
      event = buildEvent(type, fields, {
        anonymousId: this.#anonymousIdOf(fields.anonymousId, defaults),
        sessionId: this.#sessionIdOf(fields.sessionId, defaults),
        userId: defaults?.userId,
        now: this.#isoNow(),
        messageId: this.#nextMessageId(),
      });
    } catch (error) {
      this.#invalid++;
      this.#reporter.report(asTidemarkError(error));
      return RESOLVED;
    }
    if (this.#reporter.debug) this.#reporter.log(`queued ${event.type} ${event.event ?? event.name ?? ''} ${event.messageId}`);
    return this.#delivery.enqueue(event);
  }

  /** The current time as ISO 8601; calls within one millisecond share the string. */
  #isoNow(): string {
    const now = this.#o.clock.now();
    if (now !== this.#isoMs) {
      this.#isoMs = now;
      this.#iso = new Date(now).toISOString();
    }
    return this.#iso;
  }

  /** An explicit anonymous ID if valid; else the request's; else this client's own. */
  #anonymousIdOf(explicit: unknown, defaults: RequestDefaults | undefined): string {
    if (explicit !== undefined && explicit !== null) {
      if (isAnonymousId(explicit)) return explicit;
      const check = validateAnonymousId(explicit);
      if (check.ok) return check.value;
      this.#reporter.report(ignoredId('anonymousId', check.reason), `anonymousId ignored: ${check.reason}`);
    }
    return defaults?.anonymousId ?? this.getAnonymousId();
  }

  #sessionIdOf(explicit: unknown, defaults: RequestDefaults | undefined): number {
    if (explicit !== undefined && explicit !== null) {
      const check = validateSessionId(explicit);
      if (check.ok) return check.value;
      this.#reporter.report(ignoredId('sessionId', check.reason), `sessionId ignored: ${check.reason}`);
    }
    return defaults?.sessionId ?? NO_SESSION;
  }

  /** The flush timer: re-armed after each tick, never keeping a Node process alive (systemClock unrefs). */
  #arm(): void {
    if (this.#o.flushInterval === 0) return;
    this.#timer = this.#o.clock.setTimeout(() => {
      if (this.#closing) return;
      this.#delivery.tick();
      this.#arm();
    }, this.#o.flushInterval);
  }
}

function ignoredId(field: string, reason: string): TidemarkError {
  return new TidemarkError('invalid_event', `${field} was ignored (${reason}); the event was kept under the fallback ID`);
}
