import { TidemarkError, systemClock, type Clock } from '@tidemark/core';
import { createNodeHttpFetch, globalFetch, type FetchLike } from './node-http-fetch.js';

import { describeValue, numberOption, type DropInfo, type Logger } from '@tidemark/protocol';

export type { DropInfo, DropReason, Logger } from '@tidemark/protocol';

/** Options of the durable spool ({@link ServerClientOptions.spool}). */
export interface SpoolOptions {
  /** Directory of the spool's files; created if missing. */
  dir: string;
}

/** Options of {@link createServerClient}; the names, defaults and ranges of common Node tracking SDKs. */
export interface ServerClientOptions {
  /** The collector's write key. Required (or `apiKey`). */
  writeKey?: string;
  /** Alias of `writeKey`, for code moving from SDKs that call it an API key. */
  apiKey?: string;
  /**
   * Base URL of the collector; events go to `{host}/v1/batch`.
   * @default 'http://localhost:8787'
   */
  host?: string;
  /**
   * Flush when this many events are queued (1–100).
   * @default 20
   */
  flushAt?: number;
  /**
   * Flush every this many ms (0 turns the timer off; at most one day).
   * @default 10000
   */
  flushInterval?: number;
  /**
   * Abort a request after this many ms (1000–60000).
   * @default 10000
   */
  timeout?: number;
  /**
   * Retries of a request after a 408/429/5xx or network failure (0–10), waiting 1 s, 2 s,
   * 4 s … at most 10 s (longer if the collector sends `Retry-After`).
   * @default 3
   */
  retryLimit?: number;
  /**
   * Most events held, queued or in flight (100–1,000,000). From 90% of it `track()` returns
   * a promise that waits for room; beyond it the oldest event is dropped and counted.
   * @default 100000
   */
  maxQueueSize?: number;
  /**
   * Most bytes of event JSON held, queued or in flight (1 MiB–1 GiB); the same 90% wait and
   * drop-oldest as {@link ServerClientOptions.maxQueueSize}, so a burst of large events cannot
   * exhaust the process's memory.
   * @default 67108864 (64 MiB)
   */
  maxQueueBytes?: number;
  /**
   * Keep the queue in files in `dir` (Node only): `track()` resolves once its event is
   * fsynced, and what a crash, a `kill -9` or a `close()` that timed out left behind is sent
   * by the next client started on the same directory. One process owns a directory at a time.
   * @example { spool: { dir: '/var/lib/my-app/tidemark' } }
   */
  spool?: SpoolOptions;
  /**
   * Most requests in flight at once (1–32).
   * @default 4
   */
  maxConcurrentRequests?: number;
  /**
   * Log events and problems (each distinct problem once) through `logger`.
   * @default false
   */
  debug?: boolean;
  /** @default console */
  logger?: Logger;
  /** Told about every problem after set-up: dropped input, refused events, failed sends. */
  onError?: (error: TidemarkError) => void;
  /** Told when events are dropped without being delivered (counted in `stats().dropped`). */
  onDrop?: (info: DropInfo) => void;
  /**
   * A Fetch-standard `fetch` (a proxy agent, a test double, `globalThis.fetch`).
   * @default on Node ≥ 20.16 a keep-alive `node:http(s)` POST (3–5× less CPU per request than
   * the built-in fetch); elsewhere `globalThis.fetch`
   */
  fetch?: typeof fetch;
  /** Time and timers (backoff, request timeout, flush timer). @default systemClock */
  clock?: Clock;
}

/** Options after defaults and checks. */
export interface ResolvedServerOptions {
  writeKey: string;
  endpoint: string;
  flushAt: number;
  flushInterval: number;
  timeout: number;
  retryLimit: number;
  maxQueueSize: number;
  maxQueueBytes: number;
  spool: SpoolOptions | undefined;
  maxConcurrentRequests: number;
  debug: boolean;
  logger: Logger;
  onError: ((error: TidemarkError) => void) | undefined;
  onDrop: ((info: DropInfo) => void) | undefined;
  fetch: FetchLike;
  /** Releases sockets the client opened itself (the node:http default). */
  closeFetch: (() => void) | undefined;
  clock: Clock;
}

/** Default collector address: the reference collector's default port on this machine. */
export const DEFAULT_HOST = 'http://localhost:8787';

const PRINTABLE_KEY = /^[\x21-\x7e]{1,512}$/;
const MIB = 1024 * 1024;

/**
 * Apply defaults and check every option; a wrong one throws at once with the fix.
 *
 * @param input - the options object, or the write key alone
 * @returns the resolved options
 * @throws TidemarkError `invalid_option`
 */
export function resolveServerOptions(input: ServerClientOptions | string): ResolvedServerOptions {
  const options: ServerClientOptions = typeof input === 'string' ? { writeKey: input } : input;
  if (options === null || typeof options !== 'object') {
    throw invalid(`options must be an object or a write key string (got ${describeValue(options)})`);
  }
  const writeKey = options.writeKey ?? options.apiKey;
  if (typeof writeKey !== 'string' || writeKey.length === 0) {
    throw invalid("writeKey is required (pass { writeKey: 'wk_…' } or the key string)");
  }
  if (!PRINTABLE_KEY.test(writeKey)) {
    throw invalid('writeKey must be 1–512 printable ASCII characters without spaces');
  }
  if (options.fetch !== undefined && typeof options.fetch !== 'function') throw invalid('fetch must be a function shaped like the global fetch');
  const logger = options.logger ?? console;
  const own = options.fetch ? undefined : createNodeHttpFetch();
  const fetchImpl: FetchLike | undefined = options.fetch ?? own ?? globalFetch<FetchLike>();
  if (typeof fetchImpl !== 'function') throw invalid('no fetch available: pass { fetch } (Node ≥ 18 has one built in)');
  if (options.onError !== undefined && typeof options.onError !== 'function') throw invalid('onError must be a function');
  if (options.onDrop !== undefined && typeof options.onDrop !== 'function') throw invalid('onDrop must be a function');
  return {
    writeKey,
    endpoint: batchEndpoint(options.host ?? DEFAULT_HOST),
    flushAt: integerIn('flushAt', options.flushAt, 20, 1, 100),
    flushInterval: integerIn('flushInterval', options.flushInterval, 10_000, 0, 86_400_000),
    timeout: integerIn('timeout', options.timeout, 10_000, 1_000, 60_000),
    retryLimit: integerIn('retryLimit', options.retryLimit, 3, 0, 10),
    maxQueueSize: integerIn('maxQueueSize', options.maxQueueSize, 100_000, 100, 1_000_000),
    maxQueueBytes: integerIn('maxQueueBytes', options.maxQueueBytes, 64 * MIB, MIB, 1024 * MIB),
    spool: spoolOptions(options.spool),
    maxConcurrentRequests: integerIn('maxConcurrentRequests', options.maxConcurrentRequests, 4, 1, 32),
    debug: options.debug === true,
    logger,
    onError: options.onError,
    onDrop: options.onDrop,
    fetch: fetchImpl,
    closeFetch: own?.close,
    clock: options.clock ?? systemClock,
  };
}

/**
 * The batch URL of a collector base URL. A host that already ends in `/v1/batch` is kept.
 *
 * @param host - `http(s)://…` base URL
 * @returns the `/v1/batch` URL
 * @throws TidemarkError `invalid_option` for anything but an http(s) URL
 */
export function batchEndpoint(host: string): string {
  return endpointOf(host, '/v1/batch');
}

/**
 * `host` joined with an API path, after checking it is an http(s) URL.
 *
 * @param host - base URL (a trailing slash is fine)
 * @param path - API path starting with `/`
 * @returns the full URL
 * @throws TidemarkError `invalid_option`
 */
export function endpointOf(host: string, path: string): string {
  let url: URL;
  try {
    url = new URL(host);
  } catch (cause) {
    throw new TidemarkError('invalid_option', `host must be an http(s) URL such as 'https://collector.example.com' (got ${describeValue(host)})`, cause);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw invalid(`host must use http: or https: (got ${describeValue(url.protocol)})`);
  }
  const base = url.href.replace(/\/+$/, '');
  return base.endsWith(path) ? base : base + path;
}

/**
 * An integer option within its range, or its default when omitted.
 *
 * @throws TidemarkError `invalid_option` naming the option, the range and the value given
 */
export function integerIn(name: string, value: unknown, fallback: number, min: number, max: number): number {
  return numberOption(name, value, fallback, { min, max, integer: true }, invalid);
}

/** The spool option checked: a directory path, or nothing. */
function spoolOptions(spool: unknown): SpoolOptions | undefined {
  if (spool === undefined) return undefined;
  const dir = (spool as { dir?: unknown } | null)?.dir;
  if (typeof dir !== 'string' || dir.length === 0) {
    throw invalid(`spool needs a directory (pass { spool: { dir: '/var/lib/my-app/tidemark' } }; dir: ${describeValue(dir)})`);
  }
  return { dir };
}

function invalid(message: string): TidemarkError {
  return new TidemarkError('invalid_option', message);
}
