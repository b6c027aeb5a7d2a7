import { describe, expect, it } from 'vitest';
import { utf8Length, utf8LengthByLoop } from './utf8-length.js';

describe('utf8Length', () => {
  it.each([
    ['', 0],
    ['abc', 3],
    ['é', 2],
    ['€', 3],
    ['😀', 4],
    ['a😀é€', 10],
  ])('counts %j as %i bytes, like TextEncoder', (text, bytes) => {
    expect(utf8Length(text)).toBe(bytes);
    expect(utf8LengthByLoop(text)).toBe(bytes);
    expect(new TextEncoder().encode(text).length).toBe(bytes);
  });
});
