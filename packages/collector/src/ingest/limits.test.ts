import { LIMITS } from '@tidemark/core';
import { describe, expect, it } from 'vitest';
import { WIRE_LIMITS } from './limits.js';

describe('WIRE_LIMITS', () => {
  it('are the limits the client enforces, so the client refuses what the collector would (an ID over 200 characters would block every later event)', () => {
    expect(WIRE_LIMITS.maxIdLength).toBe(LIMITS.maxIdLength);
    expect(WIRE_LIMITS.maxNameLength).toBe(LIMITS.maxEventNameLength);
    expect(WIRE_LIMITS.maxEventBytes).toBe(LIMITS.maxEventBytes);
    expect(WIRE_LIMITS.maxBodyBytes).toBe(LIMITS.maxBatchBytes);
  });
});
