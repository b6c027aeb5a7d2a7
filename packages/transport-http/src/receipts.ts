import { TidemarkError, type CheckResult } from '@tidemark/core';
import { explain, parseRetryAfter, SENTENCES } from '@tidemark/protocol';
import type { FetchLike } from './http-transport.js';

/**
 * Ask `POST {host}/v1/receipts` which of these events the collector has stored (delivery
 * receipts: `{ messageIds }` → `{ stored }`). A 404 or 405 means the collector has no
 * receipts; anything else that is not a 200 with a `stored` list is a failure to retry, so
 * an event is never dropped or re-sent on a guess.
 *
 * @param url - the receipts endpoint
 * @param ids - at most 1,000 message IDs
 * @param headers - request headers (auth included)
 * @param doFetch - fetch implementation
 * @param signal - aborts the request
 * @returns what the collector answered
 */
export async function askReceipts(url: string, ids: string[], headers: Record<string, string>, doFetch: FetchLike, signal?: AbortSignal): Promise<CheckResult> {
  let response: Response;
  try {
    response = await doFetch(url, { method: 'POST', headers, body: JSON.stringify({ messageIds: ids }), ...(signal ? { signal } : {}) });
  } catch (err) {
    return { stored: [], error: new TidemarkError('network', SENTENCES ? `POST ${url} failed: ${(err as Error)?.name ?? 'error'}` : explain('TM30'), err) };
  }
  if (response.status === 404 || response.status === 405) {
    void response.body?.cancel().catch(() => {});
    return { stored: [], unsupported: true };
  }
  if (response.status === 200) {
    try {
      const body = (await response.json()) as { stored?: unknown };
      if (Array.isArray(body.stored)) return { stored: body.stored.filter((id): id is string => typeof id === 'string') };
    } catch {
      // unreadable: a failure below
    }
    return { stored: [], error: new TidemarkError('protocol', SENTENCES ? `POST ${url} answered 200 without a stored list` : explain('TM33')) };
  }
  void response.body?.cancel().catch(() => {});
  const failure: CheckResult = { stored: [], error: new TidemarkError(response.status === 401 || response.status === 403 ? 'unauthorized' : 'server', SENTENCES ? `POST ${url} answered HTTP ${response.status}; will ask again` : explain('TM34')) };
  const retryAfterMs = parseRetryAfter(response.headers.get('Retry-After'));
  if (retryAfterMs !== undefined) failure.retryAfterMs = retryAfterMs;
  return failure;
}
