import { describe, expect, it } from 'vitest';
import { backoffDelay, BACKOFF_MAX_MS } from './backoff.js';

describe('backoffDelay', () => {
  it('grows exponentially from 1 s with full jitter', () => {
    expect(backoffDelay(1, undefined, () => 0.999)).toBe(999);
    expect(backoffDelay(2, undefined, () => 0.5)).toBe(1000);
    expect(backoffDelay(4, undefined, () => 0.5)).toBe(4000);
    expect(backoffDelay(3, undefined, () => 0)).toBe(0);
  });

  it('caps at 60 s', () => {
    expect(backoffDelay(30, undefined, () => 0.999999)).toBeLessThanOrEqual(BACKOFF_MAX_MS);
    expect(backoffDelay(30, undefined, () => 0.999999)).toBeGreaterThan(BACKOFF_MAX_MS - 10);
  });

  it('never waits less than Retry-After', () => {
    expect(backoffDelay(1, 30_000, () => 0.1)).toBe(30_000);
    expect(backoffDelay(10, 5_000, () => 0.5)).toBe(30_000);
  });
});
