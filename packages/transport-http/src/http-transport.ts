import { TidemarkError, type SendContext, type TidemarkEvent, type Transport } from '@tidemark/core';
import { classifyStatus, explain, LIMITS, parseRetryAfter, SENTENCES } from '@tidemark/protocol';
import { merge, readAcceptance, type RequestOutcome } from './acceptance.js';
import { batchBody, chunkEvents } from './chunk.js';
import { sendOnHide } from './unload.js';
import { askReceipts } from './receipts.js';

/**
 * What the transport needs of `fetch`: a POST to a URL string. `globalThis.fetch`, undici's
 * and Electron's `net.fetch` (which takes no `URL` object) all fit.
 *
 * @example const viaProxy: FetchLike = (url, init) => undici.fetch(url, { ...init, dispatcher });
 */
export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

/** Options of {@link httpTransport}. */
export interface HttpTransportOptions {
  /** Collector origin, e.g. `https://collector.example`. */
  host: string;
  /** Batch path. @default '/v1/batch' */
  path?: string;
  /** Delivery-receipts path (asked before re-sending events a page could not see sent). @default '/v1/receipts' */
  receiptsPath?: string;
  /** Extra request headers. */
  headers?: Record<string, string>;
  /** Abort a request after this long, in ms. @default 10000 */
  timeoutMs?: number;
  /** Gzip bodies over 2 KB with `CompressionStream` where the runtime has it. @default false */
  compress?: boolean;
  /** Requests in flight at once during a drain. @default 4 */
  concurrency?: number;
  /** The `fetch` to use (inject one in tests or old runtimes). @default globalThis.fetch */
  fetch?: FetchLike;
}

/** Smallest body worth compressing: below it gzip's header costs more than it saves. */
const COMPRESS_MIN_BYTES = 2048;


/**
 * HTTP batch transport speaking the Segment-spec `/v1/batch`: Basic auth with the write key,
 * bodies split to ≤ 500 KB and ≤ 500 events, a bad event (400/422) isolated by splitting so
 * only it is dropped, 413 split, 401/403 stop, 408/429/5xx and network failures retried by
 * the core, and `fetch` keepalive or `sendBeacon` on page hide.
 *
 * @param options - see {@link HttpTransportOptions}
 * @returns a transport for `createTidemark({ transport })`
 * @example createTidemark({ writeKey: 'wk_123', transport: httpTransport({ host: 'https://collector.example' }) })
 */
export function httpTransport(options: HttpTransportOptions): Transport {
  if (!options || typeof options.host !== 'string' || !/^https?:\/\//.test(options.host)) {
    throw new TidemarkError('invalid_option', "host must be the collector's URL (pass { host: 'https://collector.example' })");
  }
  const host = options.host.replace(/\/+$/, '');
  const url = host + (options.path ?? '/v1/batch');
  const receiptsUrl = host + (options.receiptsPath ?? '/v1/receipts');
  const timeoutMs = options.timeoutMs ?? 10_000;
  const concurrency = Math.max(1, options.concurrency ?? 4);
  const doFetch: FetchLike = options.fetch ?? ((url, init) => globalThis.fetch(url, init));
  const authOf = (writeKey: string) => `Basic ${btoa(unescape(encodeURIComponent(`${writeKey}:`)))}`;
  const headersOf = (ctx: SendContext): Record<string, string> => ({ 'Content-Type': 'application/json', Authorization: authOf(ctx.writeKey), ...options.headers });

  async function post(events: TidemarkEvent[], ctx: SendContext): Promise<RequestOutcome> {
    const ids = events.map((e) => e.messageId);
    let response: Response;
    try {
      const headers = headersOf(ctx);
      let body: string | ArrayBuffer = batchBody(events);
      if (options.compress && body.length >= COMPRESS_MIN_BYTES && typeof CompressionStream !== 'undefined') {
        body = await gzip(body);
        headers['Content-Encoding'] = 'gzip';
      }
      response = await doFetch(url, { method: 'POST', headers, body, signal: timeoutSignal(timeoutMs, ctx.signal) });
    } catch (err) {
      return { delivered: [], rejected: [], error: new TidemarkError('network', SENTENCES ? `POST ${url} failed: ${(err as Error)?.name ?? 'error'}` : explain('TM30'), err) };
    }
    const kind = classifyStatus(response.status, events.length);
    if (kind === 'delivered') return readAcceptance(response, ids);
    void response.body?.cancel().catch(() => {});
    if (kind === 'unauthorized') {
      return { delivered: [], rejected: [], stop: true, error: new TidemarkError('unauthorized', SENTENCES ? `The collector refused the write key (HTTP ${response.status}); check writeKey` : explain('TM31')) };
    }
    if (kind === 'reject') return { delivered: [], rejected: ids.map((messageId) => ({ messageId, reason: `HTTP ${response.status}` })) };
    if (kind === 'split') {
      // Halve until the bad event stands alone, so its neighbours still go.
      const mid = Math.ceil(events.length / 2);
      return merge(await Promise.all([post(events.slice(0, mid), ctx), post(events.slice(mid), ctx)]));
    }
    const partial: RequestOutcome = { delivered: [], rejected: [], error: new TidemarkError('server', SENTENCES ? `The collector answered HTTP ${response.status}; will retry` : explain('TM32')) };
    const retryAfterMs = parseRetryAfter(response.headers.get('Retry-After'));
    if (retryAfterMs !== undefined) partial.retryAfterMs = retryAfterMs;
    return partial;
  }

  return {
    async send(events, ctx) {
      const chunks = chunkEvents(events, LIMITS.maxBatchBytes, LIMITS.maxBatchEvents);
      const results: RequestOutcome[] = [];
      let next = 0;
      let stop = false;
      const worker = async () => {
        while (next < chunks.length && !stop) {
          const result = await post(chunks[next++]!, ctx);
          results.push(result);
          if (result.stop) stop = true;
        }
      };
      await Promise.all(Array.from({ length: Math.min(concurrency, chunks.length) }, worker));
      return merge(results);
    },
    sendOnHide(events, ctx) {
      return sendOnHide(events, ctx.writeKey, url, doFetch);
    },
    check(messageIds, ctx) {
      return askReceipts(receiptsUrl, messageIds, headersOf(ctx), doFetch, timeoutSignal(timeoutMs, ctx.signal));
    },
    // Headers, fetch and compression are not strings: a worker rebuilds the transport without them.
    workerParams: workerParams(options),
  };
}

/** The options a service worker's `httpTransport` is rebuilt from (see `tidemark-sw.js`). */
function workerParams(options: HttpTransportOptions): Record<string, string> {
  const params: Record<string, string> = { host: options.host };
  if (options.path) params.path = options.path;
  if (options.receiptsPath) params.receiptsPath = options.receiptsPath;
  return params;
}

function timeoutSignal(ms: number, outer?: AbortSignal): AbortSignal | undefined {
  if (typeof AbortSignal === 'undefined' || typeof AbortSignal.timeout !== 'function') return outer;
  const timeout = AbortSignal.timeout(ms);
  if (!outer) return timeout;
  return typeof AbortSignal.any === 'function' ? AbortSignal.any([timeout, outer]) : timeout;
}

async function gzip(text: string): Promise<ArrayBuffer> {
  const stream = new Blob([text]).stream().pipeThrough(new CompressionStream('gzip'));
  return new Response(stream).arrayBuffer();
}
