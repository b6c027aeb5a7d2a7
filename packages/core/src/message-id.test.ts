import { describe, expect, it } from 'vitest';
import { messageId } from './message-id.js';

describe('messageId', () => {
  it('makes 21-character URL-safe IDs without repeats across pool refills', () => {
    const ids = new Set<string>();
    for (let i = 0; i < 20_000; i++) ids.add(messageId());
    expect(ids.size).toBe(20_000);
    for (const id of [...ids].slice(0, 100)) expect(id).toMatch(/^[A-Za-z0-9_-]{21}$/);
  });

  it('uses the whole alphabet', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 2_000; i++) for (const c of messageId()) seen.add(c);
    expect(seen.size).toBe(64);
  });
});
