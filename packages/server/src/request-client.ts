import type { EventType } from '@tidemark/core';
import { isRecord } from '@tidemark/protocol';
import {
  aliasFields, boundGroupFields, boundPageFields, boundTrackFields, identifyFields,
  type AliasOptions, type CommonOptions, type FieldReader, type GroupOptions, type IdentifyOptions, type PageOptions, type Properties, type TrackOptions,
} from './call-forms.js';
import type { Attribution, AttributionSource, IgnoredId } from './read-attribution.js';

/** IDs a request-bound client stamps on events that do not name their own. */
export interface RequestDefaults {
  anonymousId: string | undefined;
  sessionId: number | undefined;
  userId: string | undefined;
}

/** How a bound client hands a call to its server client (which owns queue and validation). */
export type EnqueueCall = (type: EventType, read: FieldReader, a: unknown, b: unknown, c: unknown, defaults: RequestDefaults) => Promise<void>;

/**
 * A server client bound to one request (`req.tidemark`, `client.forRequest(req)`): every event
 * carries the browser's anonymous ID and session ID read from the request, and the user ID
 * once `identify` or `alias` named one. Methods never throw and return at once.
 */
export class RequestClient {
  /** The browser's anonymous ID from the request, or undefined (then the client's own is used). */
  readonly anonymousId: string | undefined;
  /** The browser's session ID from the request, or undefined. */
  readonly sessionId: number | undefined;
  /** Where the anonymous ID came from. */
  readonly source: AttributionSource | undefined;
  /** Where the session ID came from. */
  readonly sessionSource: AttributionSource | undefined;
  /** IDs the request carried that failed validation (no values, only where and why). */
  readonly ignored: readonly IgnoredId[];
  readonly #defaults: RequestDefaults;
  readonly #call: EnqueueCall;
  readonly #flush: () => Promise<void>;

  /**
   * @param attribution - what {@link readAttribution} found in the request
   * @param userId - the signed-in user, if the app knows it
   * @param call - the server client's enqueue
   * @param flush - the server client's flush
   */
  constructor(attribution: Attribution, userId: string | undefined, call: EnqueueCall, flush: () => Promise<void>) {
    this.anonymousId = attribution.anonymousId;
    this.sessionId = attribution.sessionId;
    this.source = attribution.source;
    this.sessionSource = attribution.sessionSource;
    this.ignored = attribution.ignored;
    this.#defaults = { anonymousId: attribution.anonymousId, sessionId: attribution.sessionId, userId };
    this.#call = call;
    this.#flush = flush;
  }

  /** The user ID events of this request carry (from `forRequest`, `identify` or `alias`). */
  get userId(): string | undefined {
    return this.#defaults.userId;
  }

  /**
   * Track an event for this request's visitor.
   *
   * @example await req.tidemark.track('Purchase Completed', { amount: 99.99 }, { userId: req.user.id })
   */
  track(event: string, properties?: Properties, options?: CommonOptions): Promise<void>;
  track(options: TrackOptions): Promise<void>;
  track(a?: unknown, b?: unknown, c?: unknown): Promise<void> {
    return this.#call('track', boundTrackFields, a, b, c, this.#defaults);
  }

  /**
   * Name the visitor; later events of this request carry the user ID.
   *
   * @example await req.tidemark.identify('user_123', { plan: 'pro' })
   */
  identify(userId: string | number, traits?: Properties): Promise<void>;
  identify(options: IdentifyOptions): Promise<void>;
  identify(a?: unknown, b?: unknown): Promise<void> {
    this.#adoptUserId(isRecord(a) ? a.userId : a);
    return this.#call('identify', identifyFields, a, b, undefined, this.#defaults);
  }

  /**
   * Record a server-rendered page view.
   *
   * @example await req.tidemark.page('Checkout', { url: req.url })
   */
  page(name?: string, properties?: Properties, options?: CommonOptions): Promise<void>;
  page(options: PageOptions): Promise<void>;
  page(a?: unknown, b?: unknown, c?: unknown): Promise<void> {
    return this.#call('page', boundPageFields, a, b, c, this.#defaults);
  }

  /**
   * Link the visitor to a group (company, team).
   *
   * @example await req.tidemark.group('company_456', { name: 'Acme Corp' })
   */
  group(groupId: string | number, traits?: Properties): Promise<void>;
  group(options: GroupOptions): Promise<void>;
  group(a?: unknown, b?: unknown): Promise<void> {
    return this.#call('group', boundGroupFields, a, b, undefined, this.#defaults);
  }

  /**
   * Link a new user ID to the visitor (by default to the request's anonymous ID).
   *
   * @example await req.tidemark.alias('user_123')
   */
  alias(newUserId: string | number, previousId?: string | number): Promise<void>;
  alias(options: AliasOptions): Promise<void>;
  alias(a?: unknown, b?: unknown): Promise<void> {
    const result = this.#call('alias', aliasFields, a, b, undefined, this.#defaults);
    this.#adoptUserId(isRecord(a) ? a.userId : a);
    return result;
  }

  /** Send the server client's queue now (e.g. before a serverless handler returns). */
  flush(): Promise<void> {
    return this.#flush();
  }

  #adoptUserId(value: unknown): void {
    if (typeof value === 'string' && value.length > 0) this.#defaults.userId = value;
    else if (typeof value === 'number' && Number.isFinite(value)) this.#defaults.userId = String(value);
  }
}
