import type { RateLimitOptions } from '../options.js';

interface Bucket {
  tokens: number;
  at: number;
}

/**
 * Token buckets per client address for the Nucleus-style routes. Buckets of idle addresses
 * are forgotten once full again, so memory stays bounded by the active addresses.
 *
 * @example
 * const limiter = new RateLimiter({ perSecond: 100, burst: 200 });
 * const waitMs = limiter.take(req.socket.remoteAddress ?? ''); // 0 = go ahead
 */
export class RateLimiter {
  readonly #options: RateLimitOptions | false;
  readonly #buckets = new Map<string, Bucket>();
  readonly #now: () => number;

  /**
   * @param options - rate and burst, or `false` for no limit
   * @param now - clock in ms (injected by tests)
   */
  constructor(options: RateLimitOptions | false, now: () => number = Date.now) {
    this.#options = options;
    this.#now = now;
  }

  /**
   * Take one token for an address.
   *
   * @param address - the client address
   * @returns 0 when allowed, else the ms until a token is free
   */
  take(address: string): number {
    const options = this.#options;
    if (options === false) return 0;
    const now = this.#now();
    const bucket = this.#buckets.get(address) ?? { tokens: options.burst, at: now };
    bucket.tokens = Math.min(options.burst, bucket.tokens + ((now - bucket.at) * options.perSecond) / 1000);
    bucket.at = now;
    this.#buckets.set(address, bucket);
    if (this.#buckets.size > 10_000) this.#sweep(now, options);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.ceil(((1 - bucket.tokens) * 1000) / options.perSecond);
  }

  #sweep(now: number, options: RateLimitOptions): void {
    for (const [address, bucket] of this.#buckets) {
      if (bucket.tokens + ((now - bucket.at) * options.perSecond) / 1000 >= options.burst) this.#buckets.delete(address);
    }
  }
}
