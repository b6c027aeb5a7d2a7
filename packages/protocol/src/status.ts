/**
 * What an HTTP answer means for the events of the request, the one table of every sender
 * (docs/architecture.md, "Delivery rules"):
 * - `delivered`: 2xx; stored, less any events the body lists as rejected.
 * - `split`: 400, 413 or 422 for several events; halve the batch so one bad or huge event
 *   cannot take its neighbours down with it.
 * - `reject`: 400/413/422 for a single event, or any other 4xx: refused for good.
 * - `unauthorized`: 401/403; the write key is wrong, and no retry will fix it.
 * - `retry`: 408, 429, 5xx, anything else, and no answer at all: try again after a backoff.
 */
export type StatusClass = 'delivered' | 'split' | 'reject' | 'unauthorized' | 'retry';

/**
 * Classify an HTTP status for a request of `count` events.
 *
 * @param status - HTTP status, or 0 when the request failed on the way
 * @param count - events in the request
 * @returns the class
 * @example classifyStatus(503, 10) // 'retry'
 */
export function classifyStatus(status: number, count: number): StatusClass {
  if (status >= 200 && status < 300) return 'delivered';
  if (status === 401 || status === 403) return 'unauthorized';
  if (status === 400 || status === 413 || status === 422) return count > 1 ? 'split' : 'reject';
  if (status === 408 || status === 429) return 'retry';
  if (status > 400 && status < 500) return 'reject';
  return 'retry';
}
