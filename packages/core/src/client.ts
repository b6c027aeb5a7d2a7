// Over 300 lines: the public API (each method with its JSDoc) and the constructor that builds the pipeline, one small method per stage; the stages themselves (queue, flusher, hide path, consent, context) live in their own files.
import { describeValue, explain, sayOnce, SENTENCES } from '@tidemark/protocol';
import { messageId } from './message-id.js';
import { systemClock, type Clock } from './clock.js';
import { Emitter } from './emitter.js';
import { rejectedError, TidemarkError } from './errors.js';
import { EventQueue, type DropInfo } from './event-queue.js';
import { Flusher } from './flusher.js';
import { SEND_GAP_MS, type FlushResult } from './flusher-options.js';
import { Identity, IDENTITY_KEYS } from './identity.js';
import { memoryKeyValue, type KeyValueStorage } from './key-value.js';
import type { Lifecycle } from './lifecycle.js';
import { resolveClientOptions, type Consent, type ResolvedOptions, type TidemarkOptions } from './options.js';
import { defaultStore } from './platform/default-store.js';
import { browserLifecycle, browserStorage, defaultDrainLock, gpcEnabled } from './platform/browser.js';
import { drainLockName, localLock } from './drain-lock.js';
import { EventContextBuilder } from './event-context.js';
import { withIdCookies } from './platform/browser-cookie.js';
import { prepareEvent } from './prepare-event.js';
import { toJsonObject, type Unreadable } from './json-safe.js';
import { checkId, unreadableError } from './validate.js';
import { requeueRescued } from './rescue.js';
import { applyConsent, CONSENT_KEY, isConsent } from './consent.js';
import { HidePath } from './hide-path.js';
import { UncertainLedger } from './uncertain.js';
import { clientHandoff, workerDelegate, type WorkerHandoff } from './platform/service-worker.js';
import type { QueueStore } from './queue-store.js';
import { memoryStore } from './stores/memory-store.js';
import { resilientStore } from './stores/resilient-store.js';
import { SessionTracker } from './session.js';
import { LIMITS, type JsonObject, type TidemarkEvent } from './types.js';
import { VERSION } from './version.js';

/** Events a client emits; listen with `client.on(name, listener)`. */
export interface TidemarkEvents {
  /** Something failed; the client carries on. */
  error: TidemarkError;
  /** Events left the queue undelivered, with the reason and how many. */
  drop: DropInfo;
  /** The collector acknowledged these events. */
  delivered: { messageIds: string[] };
  [name: string]: unknown;
}


/** Methods bound to their client at construction. */
const PUBLIC_METHODS = ['track', 'identify', 'page', 'group', 'alias', 'reset', 'flush', 'close', 'getAnonymousId', 'getUserId', 'getSessionId', 'attributionHeaders', 'getConsent', 'setConsent', 'optOut', 'optIn', 'on'] as const;

/**
 * The Tidemark client. Calls return at once and never throw: each builds an event, which is
 * validated, persisted and sent in the background; problems arrive through `on('error')`.
 * Make one with {@link createTidemark}.
 */
export class Tidemark {
  readonly #o: ResolvedOptions;
  readonly #emitter = new Emitter<TidemarkEvents>();
  readonly #identity: Identity;
  readonly #sessions: SessionTracker;
  readonly #queue: EventQueue;
  readonly #flusher: Flusher;
  readonly #lifecycle: Lifecycle;
  readonly #context: EventContextBuilder;
  readonly #durable: QueueStore;
  readonly #storage: KeyValueStorage;
  readonly #clock: Clock;
  readonly #hide: HidePath;
  readonly #uncertain: UncertainLedger;
  /** Events rescued by pages that died, queued again at start: `flush()` sends them too. */
  readonly #recovered: Promise<void>;
  /** The service worker that drains for this page, when `serviceWorker` is set. */
  readonly #worker: WorkerHandoff | undefined;
  /** The console line of each error code, once (listeners hear every occurrence). */
  readonly #warn = sayOnce((line: string) => console.warn(line));
  readonly #unsubscribe: Array<() => void> = [];
  #consent: Consent;
  #closed = false;

  /** @param options - see {@link TidemarkOptions}; invalid options throw a `TidemarkError` */
  constructor(options: TidemarkOptions) {
    const o = (this.#o = resolveClientOptions(options));
    // After the options: its rescue key is the first ID, and `randomValues` may be its source.
    this.#hide = new HidePath();
    if (o.onError) this.#emitter.on('error', o.onError);
    // The host: time, storage and lifecycle (the browser's unless given).
    this.#clock = o.clock ?? systemClock;
    // Cookieless (`persistence: 'memory'`): nothing of the visitor is kept in the browser.
    const memory = o.persistence === 'memory';
    const base = o.storage ?? (memory ? memoryKeyValue() : browserStorage());
    this.#lifecycle = o.lifecycle ?? browserLifecycle();
    // A choice the visitor made wins over Global Privacy Control, which wins over the default.
    const stored = base.get(CONSENT_KEY);
    this.#consent = isConsent(stored) ? stored : o.respectGpc && gpcEnabled() ? (o.respectGpc === 'pending' ? 'pending' : 'denied') : o.consent;
    const storage = (this.#storage = o.cookie
      ? withIdCookies(base, o.cookie === true ? {} : o.cookie, o.sessionTimeoutMs, () => this.#clock.now(), () => this.#consent === 'granted')
      : base);
    // Who events are about, and what they carry.
    this.#identity = new Identity(storage);
    this.#context = new EventContextBuilder(storage, o.library ?? { name: 'tidemark', version: VERSION }, o.context);
    // The pipeline: calls → queue (memory until consent, then durable) → flusher → transport,
    // or the service worker that drains for this page.
    const store = o.store ?? (memory ? memoryStore() : undefined);
    this.#durable = resilientStore(store ? () => store : () => defaultStore(o.writeKey, (err) => this.#report(err)), (err) => this.#report(err));
    this.#queue = this.#createQueue();
    this.#uncertain = new UncertainLedger(storage);
    this.#worker = o.serviceWorker ? clientHandoff(o.serviceWorker, o.transport, o.writeKey, o.store !== undefined, (err) => this.#report(err)) : undefined;
    this.#flusher = this.#createFlusher();
    this.#sessions = new SessionTracker(storage, this.#clock, o.sessionTimeoutMs, (id) => this.#sessionStarted(id));
    this.#unsubscribe.push(
      this.#lifecycle.onOnline(() => this.#online()),
      this.#lifecycle.onHide(() => this.#hidden()),
      // Taken by another tab's drain: that tab sends them (or leaves them marked).
      this.#uncertain.watch((ids) => this.#hide.forget(ids)),
    );
    // A session starts with the client (as in Amplitude), and a backlog left by an earlier
    // page or a crash goes out soon after start.
    this.#sessions.touch();
    this.#recovered = this.#recover();
    // Bound, so a method taken off the client (`const { track } = tidemark`, a callback) still works.
    const self = this as unknown as Record<string, (...args: unknown[]) => unknown>;
    for (const name of PUBLIC_METHODS) self[name] = self[name]!.bind(this);
  }

  /**
   * Record an action.
   *
   * @param event - event name, 1–200 characters
   * @param properties - JSON-safe details (Dates, BigInts and cycles are converted)
   * @example tidemark.track('Signed Up', { plan: 'pro' })
   */
  track(event: string, properties?: Record<string, unknown>): void {
    this.#enqueue({ type: 'track', event, properties: (properties ?? {}) as JsonObject });
  }

  /**
   * Say who the user is, and remember traits for later events.
   *
   * @param userId - your ID of the user; `null` clears it, `undefined` keeps it
   * @param traits - facts about the user
   * @example tidemark.identify('user_42', { email: 'a@example.com' })
   */
  identify(userId?: string | null, traits?: Record<string, unknown>): void {
    this.#guard(() => {
      if (userId !== undefined && userId !== null) checkId(userId, 'identify() user ID (or null to clear it)');
      // Made plain before it touches the identity: traits that cannot be stored must not poison later calls.
      const safe = traits === undefined ? undefined : this.#plain(traits, 'identify() traits');
      this.#identity.identify(userId, safe);
      this.#enqueue({ type: 'identify', traits: safe ?? {} });
    });
  }

  /**
   * Record a page view; the page's URL, path, title and referrer are added.
   *
   * @param name - page name
   * @param properties - extra details
   * @example tidemark.page('Pricing')
   */
  page(name?: string, properties?: Record<string, unknown>): void {
    this.#guard(() => {
      if (name !== undefined && name !== null && (typeof name !== 'string' || name.length > LIMITS.maxEventNameLength)) {
        throw new TidemarkError('invalid_event', SENTENCES ? `page() name must be a string of at most ${LIMITS.maxEventNameLength} characters (got ${describeValue(name)})` : explain('TM01'));
      }
      this.#context.invalidate(); // an SPA may have changed the URL in this very tick
      const page = this.#context.page() as JsonObject | undefined;
      // Made plain before the merge: spreading the caller's object runs its getters and traps.
      const fields: Partial<TidemarkEvent> = { type: 'page', properties: { ...page, ...this.#plain(properties, 'page() properties') } };
      if (typeof name === 'string' && name.trim()) fields.name = name;
      this.#enqueue(fields);
    });
  }

  /**
   * Associate the user with a group (company, team, account).
   *
   * @param groupId - the group's ID
   * @param traits - facts about the group
   */
  group(groupId: string, traits?: Record<string, unknown>): void {
    this.#guard(() => {
      checkId(groupId, 'group() group ID');
      this.#enqueue({ type: 'group', groupId, traits: (traits ?? {}) as JsonObject });
    });
  }

  /**
   * Merge two identities: `previousId` (default: the current user or anonymous ID) becomes `newId`.
   *
   * @param newId - the new user ID
   * @param previousId - the old ID
   */
  alias(newId: string, previousId?: string): void {
    this.#guard(() => {
      checkId(newId, 'alias() new ID');
      if (previousId !== undefined) checkId(previousId, 'alias() previous ID');
      const previous = previousId ?? this.#identity.userId ?? this.#identity.anonymousId;
      this.#identity.alias(newId);
      this.#enqueue({ type: 'alias', previousId: previous });
    });
  }

  /** Forget the user: new anonymous ID, no user ID or traits, and a new session on the next event. */
  reset(): void {
    this.#guard(() => {
      this.#identity.reset();
      this.#sessions.end();
    });
  }

  /**
   * Send everything queued now, waiting for another tab's drain if one is running.
   *
   * @returns how many events were delivered and rejected, and how many remain
   */
  async flush(): Promise<FlushResult> {
    if (!this.#closed) {
      try {
        await this.#recovered;
        await this.#queue.settle();
        return await this.#flusher.flush(true);
      } catch (err) {
        this.#report(new TidemarkError('storage_unavailable', SENTENCES ? 'Flushing failed; the events stay queued' : explain('TM02'), err));
      }
    }
    return { delivered: 0, rejected: 0, pending: this.#queue.approxCount };
  }

  /**
   * Flush (within `timeoutMs`) and release timers, listeners and connections. Calls made
   * afterwards are ignored; queued events stay in the durable store for the next start.
   *
   * @param timeoutMs - longest wait for the final flush @default 5000
   */
  async close(timeoutMs = 5_000): Promise<void> {
    if (this.#closed) return;
    for (const off of this.#unsubscribe.splice(0)) off();
    this.#flusher.cancel();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const deadline = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
    await Promise.race([this.flush().then(() => {}, () => {}), deadline]);
    clearTimeout(timer);
    this.#closed = true;
    this.#flusher.cancel();
    await Promise.allSettled([this.#queue.store.close?.(), this.#o.transport.close?.()]);
  }

  /** The visitor's anonymous ID, available synchronously from the first line. */
  getAnonymousId(): string {
    return this.#identity.anonymousId;
  }

  /** The current user ID, if identified. */
  getUserId(): string | undefined {
    return this.#identity.userId;
  }

  /** The current session ID (its start time in ms). */
  getSessionId(): number {
    return this.#sessions.id;
  }

  /**
   * Headers that carry this visitor to your backend, where `@tidemark/server` reads them.
   *
   * @returns `x-tidemark-anonymous-id` and `x-tidemark-session-id`
   * @example fetch('/api/purchase', { method: 'POST', headers: tidemark.attributionHeaders() })
   */
  attributionHeaders(): Record<string, string> {
    return { 'x-tidemark-anonymous-id': this.#identity.anonymousId, 'x-tidemark-session-id': String(this.#sessions.id) };
  }

  /** The current consent state. */
  getConsent(): Consent {
    return this.#consent;
  }

  /**
   * Change consent; the choice persists. `granted` moves events held in memory to the durable
   * queue and sends them; `denied` drops and clears everything queued.
   *
   * @param consent - the new state
   */
  setConsent(consent: Consent): void {
    if (!isConsent(consent)) return this.#report(new TidemarkError('invalid_option', SENTENCES ? `setConsent() takes 'pending', 'granted' or 'denied' (got ${describeValue(consent)})` : explain('TM03')));
    const previous = this.#consent;
    this.#consent = consent;
    this.#guard(() => this.#storage.set(CONSENT_KEY, consent));
    if (consent === previous) return;
    if (consent === 'denied') this.#hide.clear();
    // Cookies wait for consent (see withIdCookies): write the visitor's now it is given.
    if (consent === 'granted' && this.#o.cookie) this.#guard(() => this.#storage.set(IDENTITY_KEYS.anonymousId, this.#identity.anonymousId));
    // Registers its store change synchronously, so transitions of one tick apply in call order.
    void applyConsent(consent, this.#queue, this.#durable, (info) => this.#emitter.emit('drop', info), () => this.#flusher.schedule(0)).catch((err) =>
      this.#report(new TidemarkError('storage_unavailable', SENTENCES ? 'Changing consent failed' : explain('TM04'), err)),
    );
  }

  /** Stop collecting: drop and clear queued events; persists (same as `setConsent('denied')`). */
  optOut(): void {
    this.setConsent('denied');
  }

  /** Resume collecting after `optOut()` (same as `setConsent('granted')`). */
  optIn(): void {
    this.setConsent('granted');
  }

  /**
   * Listen to `error`, `drop` or `delivered`.
   *
   * @returns a function that removes the listener
   * @example tidemark.on('drop', ({ reason, count }) => console.warn(reason, count))
   */
  on<K extends keyof TidemarkEvents & string>(name: K, listener: (payload: TidemarkEvents[K]) => void): () => void {
    return this.#emitter.on(name, listener);
  }

  /** The queue: prepares each call's event and writes a tick's events in one store write. */
  #createQueue(): EventQueue {
    const o = this.#o;
    return new EventQueue(this.#consent === 'granted' ? this.#durable : memoryStore(), {
      maxQueueSize: o.maxQueueSize,
      maxEventAgeMs: o.maxEventAgeMs,
      clock: this.#clock,
      prepare: (event) => this.#prepare(event),
      onStored: (_events, count) => {
        if (count >= o.flushAt) void this.#flusher.flush(false);
        else this.#flusher.schedule();
      },
      onDrop: (info) => this.#emitter.emit('drop', info),
      onError: (err, events) => {
        this.#report(new TidemarkError('storage_unavailable', SENTENCES ? `The queue store failed to write ${events.length} events` : explain('TM05'), err));
      },
      onPrepareError: (err) => {
        this.#emitter.emit('drop', { reason: 'invalid', count: 1 });
        this.#report(new TidemarkError('invalid_event', SENTENCES ? 'Preparing an event failed; it was dropped' : explain('TM06'), err));
      },
    });
  }

  /** The flusher: moves the queue to the transport (or asks the service worker to). */
  #createFlusher(): Flusher {
    const o = this.#o;
    return new Flusher({
      queue: this.#queue,
      transport: o.transport,
      // A memory queue is this page's alone: no other tab can drain it, and a lease would touch localStorage.
      lock: o.lock ?? (o.persistence === 'memory' ? localLock() : defaultDrainLock(drainLockName(o.writeKey))),
      clock: this.#clock,
      lifecycle: this.#lifecycle,
      context: { writeKey: o.writeKey },
      flushInterval: o.flushInterval,
      sendGap: Math.min(SEND_GAP_MS, o.flushInterval),
      batchSize: 500,
      canSend: () => this.#consent === 'granted' && !this.#closed,
      alreadyDelivered: this.#hide.deliveredOnHide,
      uncertain: this.#uncertain,
      ...(this.#worker && { delegate: workerDelegate(this.#worker, o.writeKey, this.#uncertain, () => this.#clock.now(), () => this.#workerDrains()) }),
      onDelivered: (messageIds) => {
        this.#hide.forget(messageIds);
        this.#emitter.emit('delivered', { messageIds });
      },
      onRejected: (rejections) => {
        this.#hide.forget(rejections.map((r) => r.messageId));
        this.#emitter.emit('drop', { reason: 'rejected', count: rejections.length });
        this.#report(rejectedError(rejections));
      },
      onError: (err) => this.#report(err),
    });
  }

  /** A session began: capture its attribution from the page it lands on, and say so. */
  #sessionStarted(id: number): void {
    try {
      this.#context.attribution.start(id, this.#identity.anonymousId, this.#context.page());
    } catch (err) {
      this.#report(new TidemarkError('storage_unavailable', SENTENCES ? 'Saving the session attribution failed' : explain('TM08'), err));
    }
    this.#enqueue({ type: 'track', event: 'session_start' });
  }

  /** Connectivity came back: the failures were the network's, so send now. */
  #online(): void {
    this.#flusher.resetBackoff();
    void this.#flusher.flush(false);
  }

  /** Whether the service worker drains this page's queue: it controls the page, and the queue is the IndexedDB one it reads. */
  #workerDrains(): boolean {
    return !!this.#worker?.controls() && this.#queue.store === this.#durable && this.#durable.kind === 'indexeddb';
  }

  /** The page is being hidden or unloaded: its last chance to save and send. */
  #hidden(): void {
    const o = this.#o;
    // The worker outlives this page: it sends what this page stored, so nothing goes by keepalive.
    const delegated = this.#workerDrains();
    if (delegated) void this.#flusher.flush(false, true);
    this.#hide.hide({
      queue: this.#queue,
      storage: this.#storage,
      transport: o.transport,
      writeKey: o.writeKey,
      mayPersist: this.#consent !== 'denied' && this.#queue.store === this.#durable,
      maySend: this.#consent === 'granted' && !delegated && !this.#flusher.stopped && this.#lifecycle.isOnline(),
      inFlight: this.#flusher.inFlight,
      uncertain: this.#uncertain,
      now: this.#clock.now(),
      onDelivered: (messageIds) => this.#emitter.emit('delivered', { messageIds }),
      report: (err) => this.#report(err),
    });
  }

  /**
   * Complete the event a call started (a fresh literal with `type` and its own fields) and
   * hand it to the queue. The hot path: fields are set in place, no copies, no I/O, no JSON.
   */
  #enqueue(fields: Partial<TidemarkEvent>): void {
    if (this.#closed) return this.#report(new TidemarkError('closed', SENTENCES ? 'The client is closed; calls after close() are ignored' : explain('TM09')));
    if (this.#consent === 'denied') return;
    try {
      const event = fields as TidemarkEvent;
      const sessionId = this.#sessions.touch();
      event.messageId = messageId();
      // A number until the deferred prepare stage formats it: Date formatting is slow.
      (event as { timestamp: unknown }).timestamp = this.#clock.now();
      event.anonymousId = this.#identity.anonymousId;
      if (this.#identity.userId !== undefined) event.userId = this.#identity.userId;
      event.context = this.#context.for(sessionId, event.anonymousId);
      this.#queue.push(event);
    } catch (err) {
      this.#report(new TidemarkError('invalid_event', SENTENCES ? 'Building the event failed' : explain('TM10'), err));
    }
  }

  #prepare(event: TidemarkEvent): TidemarkEvent | undefined {
    const ready = prepareEvent(event, { beforeSend: this.#o.beforeSend, report: (err) => this.#report(err) });
    if (!ready) {
      this.#emitter.emit('drop', { reason: 'invalid', count: 1 });
      return undefined;
    }
    // While the service worker drains the queue the page-hide path sends nothing itself, so
    // keeping each event for it would be work for nothing (~1.2 µs an event in Chromium).
    if (!this.#workerDrains()) this.#hide.remember(ready);
    return ready;
  }

  /** Queue events rescued by pages that died, then send any backlog soon after start. */
  async #recover(): Promise<void> {
    try {
      if (this.#consent !== 'denied') await requeueRescued(this.#storage, this.#queue, this.#uncertain, this.#clock.now(), this.#o.maxQueueSize);
      if ((await this.#queue.recount()) > 0) this.#flusher.schedule(0);
    } catch (err) {
      this.#report(new TidemarkError('storage_unavailable', SENTENCES ? 'Reading the queue at start failed' : explain('TM11'), err));
    }
  }

  /** A caller's object as plain JSON, saying once what could not be read. */
  #plain(value: unknown, what: string): JsonObject {
    const unreadable: Unreadable = { count: 0 };
    const out = toJsonObject(value, unreadable);
    if (unreadable.count) this.#report(unreadableError(what, unreadable.count));
    return out;
  }

  /** The boundary of a public method: whatever it throws is reported, never thrown at the app. */
  #guard(run: () => void): void {
    try {
      run();
    } catch (err) {
      this.#report(err instanceof TidemarkError ? err : new TidemarkError('invalid_event', SENTENCES ? 'A call failed; only its event was lost' : explain('TM12'), err));
    }
  }

  #report(error: TidemarkError): void {
    this.#emitter.emit('error', error);
    if (this.#o.debug || !this.#emitter.has('error')) this.#warn(error.code, `[tidemark] ${error.message}`);
  }
}

/**
 * Create a Tidemark client.
 *
 * @param options - `writeKey` and `transport` are required; see {@link TidemarkOptions}
 * @returns the client
 * @throws TidemarkError `invalid_option` when an option is missing or out of range
 * @example
 * const tidemark = createTidemark({ writeKey: 'wk_123', transport: httpTransport({ host: 'https://collector.example' }) });
 * tidemark.track('Signed Up', { plan: 'pro' });
 */
export function createTidemark(options: TidemarkOptions): Tidemark {
  return new Tidemark(options);
}
