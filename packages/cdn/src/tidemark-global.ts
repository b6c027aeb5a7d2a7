import { createTidemark, TidemarkError, VERSION, type Consent, type FlushResult, type Tidemark, type TidemarkEvents } from '@tidemark/core';
import { httpTransport } from '@tidemark/transport-http';
import { explain, sayOnce, SENTENCES } from '@tidemark/protocol';
import { autoPageViews } from './auto-page.js';
import { MAX_QUEUED_CALLS, type QueuedCall } from './call-queue.js';
import type { ScriptTagOptions } from './options.js';
import { replayClock, type ReplayClock } from './replay-clock.js';

/**
 * `window.tidemark`: the script-tag API. Calls made before `init()` are kept, with the time
 * they were made, and replayed in order once the client exists; afterwards each method is a
 * direct call into the client, which never throws.
 */
export interface TidemarkGlobal {
  /** Version of the bundle. Its presence marks the real API (the snippet's stub has none). */
  readonly version: string;
  /** The core client once `init()` has run (for `client.on`, `getConsent`…). */
  readonly client: Tidemark | undefined;
  /**
   * Start Tidemark. Options from the tag's `data-*` attributes fill in what is not given.
   *
   * @param options - `writeKey` and `host` (or `transport`), plus any core option
   * @returns the client
   * @throws TidemarkError `invalid_option` when an option is missing or wrong
   * @example tidemark.init({ writeKey: 'wk_123', host: 'https://collector.example', autoPage: true })
   */
  init(options: ScriptTagOptions): Tidemark;
  /** Record an action. @example tidemark.track('Signed Up', { plan: 'pro' }) */
  track(event: string, properties?: Record<string, unknown>): void;
  /** Record a page view (URL, path, title and referrer are added). */
  page(name?: string, properties?: Record<string, unknown>): void;
  /** Say who the user is; `null` clears the user ID. */
  identify(userId?: string | null, traits?: Record<string, unknown>): void;
  /** Associate the user with a group. */
  group(groupId: string, traits?: Record<string, unknown>): void;
  /** Merge `previousId` (default: the current ID) into `newId`. */
  alias(newId: string, previousId?: string): void;
  /** Forget the user: new anonymous ID and session. */
  reset(): void;
  /** Send what is queued now. Before `init()`, resolves once the client has flushed. */
  flush(): Promise<FlushResult>;
  /** Stop collecting and clear the queue; persists. */
  optOut(): void;
  /** Resume collecting after `optOut()`. */
  optIn(): void;
  /** Set consent: `pending` (memory only), `granted` (persist and send) or `denied` (drop). */
  setConsent(consent: Consent): void;
  /** The visitor's anonymous ID; undefined before `init()` (use `ready()`). */
  getAnonymousId(): string | undefined;
  /** The user ID, if identified. */
  getUserId(): string | undefined;
  /** The session ID; undefined before `init()`. */
  getSessionId(): number | undefined;
  /** Headers that carry the visitor to your backend; `{}` before `init()`. */
  attributionHeaders(): Record<string, string>;
  /** Listen to `error`, `drop` or `delivered`; works before `init()` too. @returns an unsubscribe function */
  on<K extends keyof TidemarkEvents & string>(name: K, listener: (payload: TidemarkEvents[K]) => void): () => void;
  /** Run `callback` once the client exists (at once if it does). */
  ready(callback: (tidemark: TidemarkGlobal) => void): void;
}

/** Calls forwarded to the client; before `init()` they are queued, then replayed. */
const FORWARDED = ['track', 'page', 'identify', 'group', 'alias', 'reset', 'optOut', 'optIn', 'setConsent'] as const;
/** Reads that answer `undefined` before `init()`. */
const READS = ['getAnonymousId', 'getUserId', 'getSessionId'] as const;

type Forwarded = (typeof FORWARDED)[number];
type AnyMethod = (...args: unknown[]) => unknown;

/**
 * Build `window.tidemark` on `target`: on the loader snippet's stub when there is one, so
 * code holding the stub keeps working, and replay the calls the stub queued.
 *
 * @param target - the snippet's stub (its `q` holds the queued calls), or `{}`
 * @param defaults - options from the tag's data attributes, under those given to `init()`
 * @returns the API, which is `target`
 * @example window.tidemark = createTidemarkGlobal(window.tidemark ?? {}, tagOptions(configScript()));
 */
export function createTidemarkGlobal(target: object = {}, defaults: Partial<ScriptTagOptions> = {}): TidemarkGlobal {
  const api = target as TidemarkGlobal & { q?: unknown };
  /** The API's method slots, filled below and rebound at init(). */
  const slots = target as Record<string, AnyMethod>;
  const queued = Array.isArray(api.q) ? (api.q as QueuedCall[]) : [];
  delete api.q;
  let client: Tidemark | undefined;
  let clock: ReplayClock | undefined;
  let buffer: QueuedCall[] = [];
  const readyCallbacks: Array<(tidemark: TidemarkGlobal) => void> = [];
  const say = sayOnce((line: string, ...detail: unknown[]) => console.warn(line, ...detail));
  const warnOnce = (key: string, message: string, detail?: unknown) => say(key, `[tidemark] ${message}`, ...(detail === undefined ? [] : [detail]));
  const later = (method: string, args: unknown[], resolve?: (value: unknown) => void) => {
    if (buffer.length < MAX_QUEUED_CALLS) buffer.push([method, args, Date.now(), resolve]);
    else warnOnce('buffer', SENTENCES ? `${MAX_QUEUED_CALLS} calls are waiting for init(); later ones are dropped until it runs` : explain('TM35'));
  };

  /** Run a call made at `at` on the client, with the clock pinned so its event keeps that time. */
  const replay = ([method, args, at, resolve]: QueuedCall) => {
    const c = client!;
    clock!.at = at;
    try {
      if (method === 'flush') resolve?.(c.flush());
      else if (method === 'on') c.on(args[0] as string, args[1] as () => void);
      else if ((FORWARDED as readonly string[]).includes(method)) (c[method as Forwarded] as AnyMethod)(...args);
    } catch (err) {
      warnOnce(`replay-${method}`, SENTENCES ? `a queued ${method}() call failed` : explain('TM36'), err);
    } finally {
      clock!.at = undefined;
    }
  };

  const runReady = (callback: (tidemark: TidemarkGlobal) => void) => {
    try {
      callback(api);
    } catch (err) {
      console.error(`[tidemark] ${SENTENCES ? 'a ready() callback threw' : explain('TM37')}`, err);
    }
  };

  const init = (options: ScriptTagOptions): Tidemark => {
    if (client) {
      warnOnce('init', SENTENCES ? 'init() was called again; the first configuration stays' : explain('TM38'));
      return client;
    }
    const { host, path, receiptsPath, autoPage, transport, clock: inner, ...rest } = { ...defaults, ...options };
    if (!transport && typeof host !== 'string') {
      throw new TidemarkError('invalid_option', "host is required (pass { host: 'https://collector.example' }, or data-host on the script tag)");
    }
    const c = (clock = replayClock(inner));
    // The session starts when the page made its first call, not when the bundle arrived.
    c.at = buffer[0]?.[2];
    try {
      client = createTidemark({ library: { name: 'tidemark.js', version: VERSION }, ...rest, clock: c, transport: transport ?? httpTransport({ host: host!, path, receiptsPath }) });
    } finally {
      c.at = undefined;
    }
    const pending = buffer;
    buffer = [];
    pending.forEach(replay);
    // From here on each method is the client's own, bound: no wrapper on the hot path.
    for (const name of [...FORWARDED, ...READS, 'flush', 'attributionHeaders', 'on'] as const) slots[name] = (client[name] as AnyMethod).bind(client);
    if (autoPage) autoPageViews(() => client!.page());
    readyCallbacks.splice(0).forEach(runReady);
    return client;
  };

  // Before init(): calls wait in the buffer, reads answer "not yet". A function taken from
  // the API before init() keeps working after it.
  for (const name of FORWARDED) slots[name] = (...args: unknown[]) => (client ? (client[name] as AnyMethod)(...args) : later(name, args));
  for (const name of READS) slots[name] = () => client?.[name]();
  Object.assign(api, {
    init,
    flush: () => client?.flush() ?? new Promise<FlushResult>((resolve) => later('flush', [], resolve as (value: unknown) => void)),
    attributionHeaders: () => client?.attributionHeaders() ?? {},
    on: (name: string, listener: (payload: never) => void) => {
      if (client) return client.on(name, listener as (payload: unknown) => void);
      let listening = true;
      later('on', [name, (payload: never) => listening && listener(payload)]);
      return () => void (listening = false);
    },
    ready: (callback: (tidemark: TidemarkGlobal) => void) => {
      if (typeof callback !== 'function') return;
      if (client) runReady(callback);
      else readyCallbacks.push(callback);
    },
  });
  Object.defineProperties(api, {
    version: { value: VERSION, enumerable: true },
    client: { get: () => client, enumerable: true },
  });

  // Replay the stub's queue in order: calls before its `init` wait in the buffer for it.
  for (const call of queued) {
    const [method, args] = call;
    if (method === 'init') {
      try {
        init(args[0] as ScriptTagOptions);
      } catch (err) {
        warnOnce('init-failed', `init() failed: ${(err as Error).message}`);
      }
    } else if (method === 'ready') api.ready(args[0] as (tidemark: TidemarkGlobal) => void);
    else if (client) replay(call);
    else buffer.push(call);
  }
  return api;
}
