/**
 * What to do with a batch after the collector's answer.
 * - `delivered`: 2xx, the events are stored.
 * - `retry`: 408, 429, 5xx or no answer; try again after a backoff.
 * - `split`: 400, 413 or 422 for several events; halve the batch so one bad or huge event
 *   cannot take its neighbours down with it.
 * - `reject`: any other 4xx (or 400/413/422 for a single event); the event is refused for good.
 * - `unauthorized`: 401/403; the write key is wrong, and no retry will fix it.
 */
export type StatusVerdict = 'delivered' | 'retry' | 'split' | 'reject' | 'unauthorized';

/**
 * Classify an HTTP status for a batch of `count` events.
 *
 * @param status - HTTP status code
 * @param count - events in the batch
 * @returns the verdict
 * @example statusVerdict(503, 10) // 'retry'
 */
export function statusVerdict(status: number, count: number): StatusVerdict {
  if (status >= 200 && status < 300) return 'delivered';
  if (status === 401 || status === 403) return 'unauthorized';
  if (status === 408 || status === 429 || status >= 500) return 'retry';
  if ((status === 400 || status === 413 || status === 422) && count > 1) return 'split';
  return 'reject';
}

/** Longest `Retry-After` honoured, in ms: a collector cannot park a backend for hours. */
export const MAX_RETRY_AFTER_MS = 60_000;

/**
 * Parse `Retry-After` (delay-seconds or an HTTP date, RFC 9110 §10.2.3).
 *
 * @param header - the header value, or null
 * @param now - ms since the epoch, for the date form
 * @returns the wait in ms (at most {@link MAX_RETRY_AFTER_MS}), or undefined
 */
export function retryAfterMs(header: string | null, now: number): number | undefined {
  if (!header) return undefined;
  const trimmed = header.trim();
  const ms = /^\d+$/.test(trimmed) ? Number(trimmed) * 1000 : Date.parse(trimmed) - now;
  if (!Number.isFinite(ms)) return undefined;
  return Math.min(Math.max(0, ms), MAX_RETRY_AFTER_MS);
}

/**
 * The wait before retry number `attempt` (1-based): 1 s, 2 s, 4 s … capped at 10 s, or the
 * collector's `Retry-After` when that is longer. Deterministic, unlike core's jittered
 * `backoffDelay`: the server client keeps the schedule of the Node SDKs it replaces (and a
 * backend is one client, not a fleet of browsers failing together).
 *
 * @param attempt - the retry about to be made (≥ 1)
 * @param retryAfter - the collector's `Retry-After` in ms, if any
 * @returns the wait in ms
 * @example retryDelay(3) // 4000
 */
export function retryDelay(attempt: number, retryAfter?: number): number {
  const backoff = Math.min(10_000, 1_000 * 2 ** Math.max(0, attempt - 1));
  return Math.max(backoff, retryAfter ?? 0);
}
