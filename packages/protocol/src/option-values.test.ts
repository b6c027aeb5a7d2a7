import { describe, expect, it } from 'vitest';
import { describeValue, numberOption } from './option-values.js';

const invalid = (message: string) => new RangeError(message);

describe('numberOption', () => {
  it('answers the default for undefined and the value within bounds', () => {
    expect(numberOption('flushAt', undefined, 20, { min: 1, max: 100 }, invalid)).toBe(20);
    expect(numberOption('flushAt', 100, 20, { min: 1, max: 100 }, invalid)).toBe(100);
    expect(numberOption('ratio', 0.5, 1, { min: 0 }, invalid)).toBe(0.5);
  });

  it('throws the caller’s error naming the option, the range and the value', () => {
    const message = (value: unknown, bounds: Parameters<typeof numberOption>[3]) => {
      try {
        numberOption('opt', value, 1, bounds, invalid);
      } catch (err) {
        expect(err).toBeInstanceOf(RangeError);
        return (err as Error).message;
      }
      return 'accepted';
    };
    expect(message(70_000, { min: 0, max: 65_535, integer: true })).toBe('opt must be an integer from 0 to 65535 (got 70000)');
    expect(message(0, { min: 1, integer: true })).toBe('opt must be a positive integer (got 0)');
    expect(message(-1, { min: 0, integer: true })).toBe('opt must be a non-negative integer (got -1)');
    expect(message(1.5, { min: 1, integer: true })).toBe('opt must be a positive integer (got 1.5)');
    expect(message(0.5, { min: 1 })).toBe('opt must be a number of at least 1 (got 0.5)');
    expect(message(Number.NaN, { min: 1, max: 9 })).toBe('opt must be a number from 1 to 9 (got NaN)');
    expect(message(Infinity, { min: 1 })).toBe('opt must be a number of at least 1 (got Infinity)');
    expect(message('10', { min: 1 })).toBe('opt must be a number of at least 1 (got "10")');
    expect(message(null, { min: 1 })).toBe('opt must be a number of at least 1 (got null)');
  });
});

describe('describeValue', () => {
  it('describes without echoing long strings and without throwing', () => {
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    expect([
      describeValue('Signup'), describeValue('x'.repeat(41)), describeValue(42), describeValue(10n), describeValue(true),
      describeValue(null), describeValue(undefined), describeValue([1]), describeValue({}), describeValue(() => 1),
      describeValue(Object.create(null)), describeValue(proxy), describeValue(Symbol('s')),
    ]).toEqual(['"Signup"', 'a string of 41 characters', '42', '10', 'true', 'null', 'undefined', 'an array', 'an object', 'a function', 'an object', 'an object', 'Symbol(s)']);
  });
});
