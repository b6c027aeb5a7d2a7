import { describe, expect, it } from 'vitest';
import { trimOldest } from './trim-oldest.js';

describe('trimOldest', () => {
  it('leaves a memory alone until it holds a tenth more than the limit', () => {
    const ids = new Set(Array.from({ length: 110 }, (_, i) => i));
    trimOldest(ids, 100);
    expect(ids.size).toBe(110);
  });

  it('drops the oldest keys of a Set down to the limit, keeping the newest', () => {
    const ids = new Set(Array.from({ length: 111 }, (_, i) => i));
    trimOldest(ids, 100);
    expect([...ids]).toEqual(Array.from({ length: 100 }, (_, i) => i + 11));
  });

  it('drops by insertion order in a Map, not by key', () => {
    const events = new Map<string, number>();
    for (let i = 0; i < 23; i++) events.set(`id-${22 - i}`, i);
    trimOldest(events, 20);
    expect(events.size).toBe(20);
    expect(events.has('id-22')).toBe(false);
    expect(events.has('id-0')).toBe(true);
  });
});
