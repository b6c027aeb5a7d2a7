import type { SendResult, TidemarkEvent } from '@tidemark/core';
import { LIMITS } from '@tidemark/protocol';
import type { FetchLike } from './http-transport.js';
import { readAcceptance } from './acceptance.js';
import { batchBody, chunkEvents } from './chunk.js';

/** Leave room under the 64 KiB keepalive quota for requests the page itself has in flight. */
const HIDE_BUDGET_BYTES = LIMITS.maxUnloadBytes - 4 * 1024;

/**
 * The page-hide path: as many events as fit the keepalive budget, in `text/plain` bodies
 * (a CORS-safelisted type, so no preflight that could not finish during unload) with the
 * write key in the body instead of an `Authorization` header (which would need one too).
 * `fetch` with `keepalive` is preferred because its answer, if the page lives to see it,
 * says what was stored; `sendBeacon` is the fallback.
 *
 * @param events - this page's unconfirmed events, oldest first
 * @param writeKey - goes into the body
 * @param url - the batch endpoint
 * @param doFetch - fetch implementation
 * @returns the `messageId`s handed to the browser and the eventual result
 */
export function sendOnHide(
  events: TidemarkEvent[],
  writeKey: string,
  url: string,
  doFetch: FetchLike,
): { handed: string[]; result: Promise<SendResult> } {
  const handed: string[] = [];
  const results: Array<Promise<SendResult>> = [];
  let budget = HIDE_BUDGET_BYTES;
  for (const chunk of chunkEvents(events, HIDE_BUDGET_BYTES, LIMITS.maxBatchEvents)) {
    const body = batchBody(chunk, writeKey);
    const bytes = new Blob([body]).size;
    if (bytes > budget) break;
    const ids = chunk.map((e) => e.messageId);
    const sent = keepalive(url, body, ids, doFetch) ?? beacon(url, body);
    if (!sent) break;
    budget -= bytes;
    handed.push(...ids);
    results.push(sent);
  }
  const result = Promise.all(results).then((parts) => ({
    delivered: parts.flatMap((p) => p.delivered),
    rejected: parts.flatMap((p) => p.rejected),
  }));
  return { handed, result };
}

function keepalive(url: string, body: string, ids: string[], doFetch: FetchLike): Promise<SendResult> | undefined {
  try {
    return doFetch(url, { method: 'POST', body, keepalive: true, credentials: 'omit', headers: { 'Content-Type': 'text/plain' } }).then(
      (response) => (response.ok ? readAcceptance(response, ids) : { delivered: [], rejected: [] }),
      () => ({ delivered: [], rejected: [] }),
    );
  } catch {
    return undefined; // fetch or keepalive unsupported
  }
}

function beacon(url: string, body: string): Promise<SendResult> | undefined {
  // Typed by what is used, so this file builds with Node's types (Electron) as with the DOM's.
  const nav = (globalThis as { navigator?: { sendBeacon?(url: string, data: Blob): boolean } }).navigator;
  if (typeof nav?.sendBeacon !== 'function') return undefined;
  // A beacon's fate is never known: report nothing delivered, the queue keeps the events.
  return nav.sendBeacon(url, new Blob([body], { type: 'text/plain' })) ? Promise.resolve({ delivered: [], rejected: [] }) : undefined;
}
