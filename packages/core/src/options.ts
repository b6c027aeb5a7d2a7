import type { Clock } from './clock.js';
import { numberOption } from '@tidemark/protocol';
import { TidemarkError } from './errors.js';
import type { KeyValueStorage } from './key-value.js';
import type { Lifecycle } from './lifecycle.js';
import type { DrainLock } from './drain-lock.js';
import type { ContextProvider } from './platform/browser-context.js';
import type { IdCookieOptions } from './platform/browser-cookie.js';
import type { QueueStore } from './queue-store.js';
import type { Transport } from './transport.js';
import type { TidemarkEvent } from './types.js';
import { useRandomValues, type RandomValues } from './message-id.js';

/** Consent state. `pending`: kept in memory, not sent; `granted`: persisted and sent; `denied`: dropped. */
export type Consent = 'pending' | 'granted' | 'denied';

/** Options of `createTidemark`. */
export interface TidemarkOptions {
  /** The source's write key (required). */
  writeKey: string;
  /** How events reach the collector, e.g. `httpTransport({ host })` (required). */
  transport: Transport;
  /** The durable queue. @default IndexedDB where available, else memory */
  store?: QueueStore;
  /** Identity, session and consent storage. @default localStorage where usable, else memory */
  storage?: KeyValueStorage;
  /** Connectivity and page-hide signals. @default the browser's, or always-online elsewhere */
  lifecycle?: Lifecycle;
  /** Time source. @default the system clock */
  clock?: Clock;
  /** Who may drain the queue. @default Web Locks across tabs, with fallbacks */
  lock?: DrainLock;
  /** Extra context fields for every event (device info, page). @default browser context */
  context?: ContextProvider;
  /**
   * Flush when this many events are queued (within `min(1 s, flushInterval)` of the previous
   * request, only once a full batch of 500 is queued). @default 20
   */
  flushAt?: number;
  /** Flush at least this often while events are queued, in ms. @default 2000 */
  flushInterval?: number;
  /** Most events kept; beyond it the oldest are dropped and counted. @default 10000 */
  maxQueueSize?: number;
  /** Events older than this are dropped and counted, in ms. @default 7 days */
  maxEventAgeMs?: number;
  /** Idle time that ends a session, in ms. @default 30 minutes */
  sessionTimeoutMs?: number;
  /** Initial consent, unless the user already chose. @default 'granted' */
  consent?: Consent;
  /** Last look at each event: return it (changed or not), or `null` to drop it. */
  beforeSend?: (event: TidemarkEvent) => TidemarkEvent | null;
  /** Called with every error (also available as `on('error')`). */
  onError?: (error: TidemarkError) => void;
  /**
   * Keep the anonymous ID and session ID in first-party cookies (`tm_aid`, `tm_sid`), so
   * same-site requests carry them; with `domain`, subdomains share one visitor (a valid
   * cookie found at start wins over this origin's storage). Written only while consent is
   * `granted`. @default false
   * @example { cookie: { domain: 'shop.example' } }
   */
  cookie?: boolean | IdCookieOptions;
  /**
   * Honour Global Privacy Control (`navigator.globalPrivacyControl === true`): start in
   * consent `denied`, or `pending` with `'pending'` (ask the visitor). A choice the visitor
   * already made on this site (`setConsent`, `optIn`) still wins. @default false
   */
  respectGpc?: boolean | 'pending';
  /**
   * Where the client keeps state. `'memory'` is cookieless: identity, session, consent and
   * the queue live in memory only (no cookies, no localStorage, no IndexedDB), so every page
   * load is a new visitor and events queued at unload may be lost. @default 'browser'
   */
  persistence?: 'browser' | 'memory';
  /** Log what happens to the console. @default false */
  debug?: boolean;
  /** Library name and version in `context.library`. @default { name: 'tidemark', version } */
  library?: { name: string; version: string };
  /**
   * Random bytes for message and anonymous IDs, for runtimes without Web Crypto (Node 18).
   * @default globalThis.crypto.getRandomValues
   * @example { randomValues: (bytes) => require('node:crypto').webcrypto.getRandomValues(bytes) }
   */
  randomValues?: RandomValues;
  /**
   * URL of the Tidemark service worker (`tidemark-sw.js` from `@tidemark/cdn`), served from
   * the site's own origin. Where it controls the page, the worker drains the queue, so sends
   * outlive navigations and closed tabs; pages it does not control drain themselves.
   * @example '/tidemark-sw.js'
   */
  serviceWorker?: string;
}

/** Options with every default applied. */
export type ResolvedOptions = Required<
  Pick<TidemarkOptions, 'writeKey' | 'transport' | 'flushAt' | 'flushInterval' | 'maxQueueSize' | 'maxEventAgeMs' | 'sessionTimeoutMs' | 'consent' | 'debug'>
> &
  TidemarkOptions;

/** Defaults of {@link TidemarkOptions}. */
export const DEFAULTS = {
  flushAt: 20,
  flushInterval: 2_000,
  maxQueueSize: 10_000,
  maxEventAgeMs: 7 * 24 * 60 * 60 * 1000,
  sessionTimeoutMs: 30 * 60 * 1000,
} as const;

const positive = (options: TidemarkOptions, name: keyof typeof DEFAULTS, min: number, max: number): number =>
  numberOption(name, options[name], DEFAULTS[name], { min, max }, (message) => new TidemarkError('invalid_option', message));

/**
 * Check options at set-up and apply defaults. Misuse throws at once, with the fix in the
 * message.
 *
 * @param options - what the app passed
 * @returns the options with defaults
 * @throws TidemarkError `invalid_option`
 */
export function resolveClientOptions(options: TidemarkOptions): ResolvedOptions {
  if (!options || typeof options !== 'object') {
    throw new TidemarkError('invalid_option', "options are required: createTidemark({ writeKey: 'wk_…', transport: httpTransport({ host }) })");
  }
  if (typeof options.writeKey !== 'string' || !options.writeKey.trim()) {
    throw new TidemarkError('invalid_option', "writeKey is required (pass { writeKey: 'wk_…' })");
  }
  if (!options.transport || typeof options.transport.send !== 'function') {
    throw new TidemarkError('invalid_option', "transport is required (pass { transport: httpTransport({ host: 'https://collector.example' }) })");
  }
  if (options.consent !== undefined && !['pending', 'granted', 'denied'].includes(options.consent)) {
    throw new TidemarkError('invalid_option', "consent must be 'pending', 'granted' or 'denied'");
  }
  if (options.beforeSend !== undefined && typeof options.beforeSend !== 'function') {
    throw new TidemarkError('invalid_option', 'beforeSend must be a function (event) => event | null');
  }
  if (options.serviceWorker !== undefined && (typeof options.serviceWorker !== 'string' || !options.serviceWorker)) {
    throw new TidemarkError('invalid_option', "serviceWorker must be the worker script's URL on this origin, e.g. '/tidemark-sw.js'");
  }
  // One check and one message for both privacy options: the script tag's budget counts every string.
  const { respectGpc, persistence } = options;
  if (![undefined, true, false, 'pending'].includes(respectGpc) || ![undefined, 'browser', 'memory'].includes(persistence) || (persistence === 'memory' && (options.cookie || options.serviceWorker))) {
    throw new TidemarkError('invalid_option', "respectGpc takes true, false or 'pending'; persistence 'browser' or 'memory' (which keeps nothing: no cookie, no serviceWorker)");
  }
  useRandomValues(options.randomValues);
  return {
    ...options,
    flushAt: positive(options, 'flushAt', 1, 1_000),
    flushInterval: positive(options, 'flushInterval', 10, 3_600_000),
    maxQueueSize: positive(options, 'maxQueueSize', 1, 1_000_000),
    maxEventAgeMs: positive(options, 'maxEventAgeMs', 1_000, 365 * 24 * 3_600_000),
    sessionTimeoutMs: positive(options, 'sessionTimeoutMs', 1_000, 7 * 24 * 3_600_000),
    consent: options.consent ?? 'granted',
    debug: options.debug ?? false,
  };
}
