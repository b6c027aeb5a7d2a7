/** What a response status means for the events of the request. */
export type StatusClass =
  /** 2xx: stored (minus any the body lists as rejected). */
  | 'delivered'
  /** 400/422: some event is bad; split to isolate it. */
  | 'bad_request'
  /** 413: the body is too large; split. */
  | 'too_large'
  /** 401/403: the write key is refused; stop. */
  | 'unauthorized'
  /** 408/429/5xx, other codes and network failures: retry later. */
  | 'retry';

/**
 * Classify an HTTP status by the delivery rules of docs/architecture.md.
 *
 * @param status - HTTP status, or 0 for a network failure
 * @returns the class
 */
export function classifyStatus(status: number): StatusClass {
  if (status >= 200 && status < 300) return 'delivered';
  if (status === 400 || status === 422) return 'bad_request';
  if (status === 413) return 'too_large';
  if (status === 401 || status === 403) return 'unauthorized';
  return 'retry';
}

/**
 * Milliseconds to wait from a `Retry-After` header (seconds or an HTTP date).
 *
 * @param header - the header value
 * @param now - current time in ms
 * @returns the wait, or undefined when absent or unreadable
 */
export function parseRetryAfter(header: string | null, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
