import { describe, expect, it } from 'vitest';
import { isRecord } from './is-record.js';

describe('isRecord', () => {
  it('is true for objects with fields and false for null, arrays and primitives', () => {
    expect([{}, { a: 1 }, JSON.parse('{"__proto__":1}'), Object.create(null)].map(isRecord)).toEqual([true, true, true, true]);
    expect([null, undefined, [], [1], 'x', 1, true].map(isRecord)).toEqual([false, false, false, false, false, false, false]);
  });
});
