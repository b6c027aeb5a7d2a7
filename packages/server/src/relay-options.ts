import { TidemarkError } from '@tidemark/core';
import { LIMITS } from '@tidemark/protocol';
import { createNodeHttpFetch, globalFetch, type FetchLike } from './node-http-fetch.js';
import { DEFAULT_HOST, endpointOf, integerIn } from './server-options.js';

/** Options of {@link tidemarkRelay}. */
export interface RelayOptions {
  /** The server's write key: every forwarded request carries it, whatever the browser sent. Required. */
  writeKey: string;
  /**
   * Write keys browsers may present (in `Authorization` or a beacon's body); anything else
   * is answered 401 and not forwarded. Lets the page carry a public key while the collector
   * only ever sees the server's.
   * @default [writeKey]
   */
  browserWriteKeys?: string[];
  /** The collector's base URL. @default 'http://localhost:8787' */
  host?: string;
  /** Path of the batch route on the site. @default '/t/batch' */
  path?: string;
  /** Path of the delivery-receipts route on the site. @default '/t/receipts' */
  receiptsPath?: string;
  /** Largest body accepted, in bytes (1 KB–5 MB); larger ones are answered 413. @default 512000 (the collector's 500 KB) */
  maxBodyBytes?: number;
  /** Requests relayed at once (1–1024); beyond it 503 with `Retry-After: 1`. @default 16 */
  maxConcurrent?: number;
  /** Abort a forward after this many ms (1000–60000) and answer 504. @default 10000 */
  timeout?: number;
  /** A Fetch-standard `fetch` for the forwards. @default keep-alive node:http(s) on Node ≥ 20.16, else `globalThis.fetch` */
  fetch?: typeof fetch;
}

/** {@link RelayOptions} after checks and defaults. */
export interface ResolvedRelayOptions {
  authorization: string;
  browserKeys: ReadonlySet<string>;
  batchUrl: string;
  receiptsUrl: string;
  path: string;
  receiptsPath: string;
  maxBodyBytes: number;
  maxConcurrent: number;
  timeout: number;
  fetch: FetchLike;
  close: (() => void) | undefined;
}

const KEY = /^[\x21-\x7e]{1,512}$/;
const PATH = /^\/[A-Za-z0-9/_.~-]*$/;

/**
 * Check the relay's options at set-up; a wrong one throws with the fix.
 *
 * @param options - what the app passed
 * @returns the resolved options
 * @throws TidemarkError `invalid_option`
 */
export function resolveRelayOptions(options: RelayOptions): ResolvedRelayOptions {
  if (!options || typeof options.writeKey !== 'string' || !KEY.test(options.writeKey)) {
    throw new TidemarkError('invalid_option', "the relay needs the server's writeKey (pass { writeKey: process.env.TIDEMARK_WRITE_KEY }), 1–512 printable characters");
  }
  const browserKeys = options.browserWriteKeys ?? [options.writeKey];
  if (!Array.isArray(browserKeys) || !browserKeys.length || !browserKeys.every((k) => typeof k === 'string' && KEY.test(k))) {
    throw new TidemarkError('invalid_option', "browserWriteKeys must list the write keys pages send, e.g. ['wk_public']");
  }
  const path = options.path ?? '/t/batch';
  const receiptsPath = options.receiptsPath ?? '/t/receipts';
  for (const [name, value] of [['path', path], ['receiptsPath', receiptsPath]] as const) {
    if (typeof value !== 'string' || !PATH.test(value)) throw new TidemarkError('invalid_option', `${name} must be a path on the site such as '/t/batch'`);
  }
  if (path === receiptsPath) throw new TidemarkError('invalid_option', 'path and receiptsPath must differ');
  if (options.fetch !== undefined && typeof options.fetch !== 'function') throw new TidemarkError('invalid_option', 'fetch must be a function shaped like the global fetch');
  const host = options.host ?? DEFAULT_HOST;
  const own = options.fetch ? undefined : createNodeHttpFetch();
  return {
    authorization: `Basic ${btoa(`${options.writeKey}:`)}`,
    browserKeys: new Set(browserKeys),
    batchUrl: endpointOf(host, '/v1/batch'),
    receiptsUrl: endpointOf(host, '/v1/receipts'),
    path,
    receiptsPath,
    maxBodyBytes: integerIn('maxBodyBytes', options.maxBodyBytes, LIMITS.maxBatchBytes, 1024, 5 * 1024 * 1024),
    maxConcurrent: integerIn('maxConcurrent', options.maxConcurrent, 16, 1, 1024),
    timeout: integerIn('timeout', options.timeout, 10_000, 1_000, 60_000),
    fetch: (options.fetch as FetchLike | undefined) ?? own ?? globalFetch<FetchLike>()!,
    close: own?.close,
  };
}
