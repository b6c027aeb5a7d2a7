/** First retry delay, in ms. */
export const BACKOFF_BASE_MS = 1_000;
/** Longest retry delay, in ms. */
export const BACKOFF_MAX_MS = 60_000;

/**
 * Delay before retry number `attempt` (1-based): exponential with full jitter
 * (a uniform draw in [0, min(max, base·2^(attempt-1))]), never shorter than the server's
 * `Retry-After`. Full jitter spreads a fleet of clients that failed together.
 *
 * @param attempt - how many attempts in a row have failed (≥ 1)
 * @param retryAfterMs - the server's `Retry-After`, if any
 * @param random - a source of [0, 1) draws (injected in tests)
 * @returns the delay in ms
 * @example backoffDelay(3, undefined, () => 0.5) // 2000
 */
export function backoffDelay(attempt: number, retryAfterMs?: number, random: () => number = Math.random): number {
  const ceiling = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, attempt - 1));
  const jittered = Math.floor(random() * ceiling);
  return Math.max(jittered, Math.min(retryAfterMs ?? 0, 10 * BACKOFF_MAX_MS));
}
