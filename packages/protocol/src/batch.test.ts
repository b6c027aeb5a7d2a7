import { describe, expect, it } from 'vitest';
import { BATCH_ENVELOPE_BYTES, BatchSize } from './batch.js';
import { LIMITS } from './wire.js';

describe('BatchSize', () => {
  it('takes events while the body stays within the byte and count limits', () => {
    const size = new BatchSize(BATCH_ENVELOPE_BYTES + 30, 10);
    expect([10, 10, 10].map((n) => size.add(n))).toEqual([true, true, false]); // 2 × (10 + comma) = 22; a third makes 33
    expect(size).toMatchObject({ count: 2, bytes: BATCH_ENVELOPE_BYTES + 22 });
    const few = new BatchSize(1_000_000, 2);
    expect([1, 1, 1].map((n) => few.add(n))).toEqual([true, true, false]);
  });

  it('lets an event too large for any body go alone, and defaults to the wire limits', () => {
    const size = new BatchSize();
    expect(size.add(LIMITS.maxBatchBytes * 2)).toBe(true);
    expect(size.add(1)).toBe(false);
    expect(new BatchSize()).toMatchObject({ maxBytes: LIMITS.maxBatchBytes, maxEvents: LIMITS.maxBatchEvents });
  });
});
