/** Longest `Retry-After` honoured, in ms: a collector cannot park its clients for hours. */
export const MAX_RETRY_AFTER_MS = 60_000;

/**
 * Parse `Retry-After` (delay-seconds or an HTTP date, RFC 9110 §10.2.3).
 *
 * @param header - the header value, or null
 * @param now - ms since the epoch, for the date form
 * @returns the wait in ms (at most {@link MAX_RETRY_AFTER_MS}), or undefined when absent or unreadable
 * @example parseRetryAfter('7') // 7000
 */
export function parseRetryAfter(header: string | null | undefined, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const trimmed = header.trim();
  const ms = /^\d+(\.\d+)?$/.test(trimmed) ? Number(trimmed) * 1000 : Date.parse(trimmed) - now;
  if (!Number.isFinite(ms)) return undefined;
  return Math.min(Math.max(0, ms), MAX_RETRY_AFTER_MS);
}

/** How the waits between attempts grow: `baseMs · 2^(attempt−1)`, capped at `maxMs`. */
export interface BackoffPolicy {
  /** Wait before the first retry (its ceiling, with jitter). */
  baseMs: number;
  /** Longest wait. */
  maxMs: number;
  /** Full jitter: a uniform draw in [0, ceiling], which spreads a fleet that failed together. */
  jitter: boolean;
}

/** Browsers and apps: 1 s → 60 s with full jitter (thousands of clients fail together). */
export const BROWSER_BACKOFF: BackoffPolicy = { baseMs: 1_000, maxMs: 60_000, jitter: true };
/**
 * A backend: 1 s, 2 s, 4 s … 10 s, deterministic, the schedule of the server SDKs it replaces
 * (one client, not a fleet).
 */
export const SERVER_BACKOFF: BackoffPolicy = { baseMs: 1_000, maxMs: 10_000, jitter: false };

/**
 * Wait before retry number `attempt` (1-based), never shorter than the collector's
 * `Retry-After` (itself capped at {@link MAX_RETRY_AFTER_MS}).
 *
 * @param policy - {@link BROWSER_BACKOFF} or {@link SERVER_BACKOFF}
 * @param attempt - how many attempts in a row have failed (≥ 1)
 * @param retryAfterMs - the collector's `Retry-After`, if any
 * @param random - a source of [0, 1) draws (injected in tests)
 * @returns the wait in ms
 * @example backoffDelay(BROWSER_BACKOFF, 3, undefined, () => 0.5) // 2000
 */
export function backoffDelay(policy: BackoffPolicy, attempt: number, retryAfterMs?: number, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, attempt - 1));
  const wait = policy.jitter ? Math.floor(random() * ceiling) : ceiling;
  return Math.max(wait, Math.min(retryAfterMs ?? 0, MAX_RETRY_AFTER_MS));
}
