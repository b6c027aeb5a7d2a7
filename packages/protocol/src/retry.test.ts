import { describe, expect, it } from 'vitest';
import { backoffDelay, BROWSER_BACKOFF, MAX_RETRY_AFTER_MS, parseRetryAfter, SERVER_BACKOFF } from './retry.js';

describe('backoffDelay', () => {
  it('grows exponentially from 1 s with full jitter', () => {
    expect(backoffDelay(BROWSER_BACKOFF, 1, undefined, () => 0.999)).toBe(999);
    expect(backoffDelay(BROWSER_BACKOFF, 2, undefined, () => 0.5)).toBe(1000);
    expect(backoffDelay(BROWSER_BACKOFF, 4, undefined, () => 0.5)).toBe(4000);
    expect(backoffDelay(BROWSER_BACKOFF, 3, undefined, () => 0)).toBe(0);
  });

  it('caps at 60 s', () => {
    expect(backoffDelay(BROWSER_BACKOFF, 30, undefined, () => 0.999999)).toBeLessThanOrEqual(BROWSER_BACKOFF.maxMs);
    expect(backoffDelay(BROWSER_BACKOFF, 30, undefined, () => 0.999999)).toBeGreaterThan(BROWSER_BACKOFF.maxMs - 10);
  });

  it('never waits less than Retry-After', () => {
    expect(backoffDelay(BROWSER_BACKOFF, 1, 30_000, () => 0.1)).toBe(30_000);
    expect(backoffDelay(BROWSER_BACKOFF, 10, 5_000, () => 0.5)).toBe(30_000);
  });
});

describe('the server policy', () => {
  it('waits 1 s, 2 s, 4 s … 10 s, without jitter, or Retry-After when longer', () => {
    expect([1, 2, 3, 4, 5, 9].map((n) => backoffDelay(SERVER_BACKOFF, n, undefined, () => 0))).toEqual([1_000, 2_000, 4_000, 8_000, 10_000, 10_000]);
    expect(backoffDelay(SERVER_BACKOFF, 1, 7_000)).toBe(7_000);
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates, and caps both at 60 s', () => {
    expect(parseRetryAfter('7')).toBe(7_000);
    expect(parseRetryAfter(' 1.5 ')).toBe(1_500);
    expect(parseRetryAfter(new Date(1_000_000 + 20_000).toUTCString(), 1_000_000)).toBe(20_000);
    expect(parseRetryAfter('86400')).toBe(MAX_RETRY_AFTER_MS);
    expect(backoffDelay(BROWSER_BACKOFF, 1, 86_400_000, () => 0)).toBe(MAX_RETRY_AFTER_MS);
  });

  it('ignores what it cannot read', () => {
    for (const header of [null, undefined, '', 'soon']) expect(parseRetryAfter(header)).toBeUndefined();
  });
});
