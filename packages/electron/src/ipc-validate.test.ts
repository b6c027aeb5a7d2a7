import { describe, expect, it } from 'vitest';
import { validateIpcRequest } from './ipc-validate.js';

// Hostile payloads as a compromised renderer could send them: anything structured clone
// carries. Each must be refused with a typed error, and none may throw.

const deep = (levels: number) => {
  let value: Record<string, unknown> = {};
  for (let i = 0; i < levels; i++) value = { next: value };
  return value;
};
const cyclic = () => {
  const value: Record<string, unknown> = { a: 1 };
  value.self = value;
  return value;
};
const manyKeys = Object.fromEntries(Array.from({ length: 20_000 }, (_, i) => [`k${i}`, i]));
const sparse = [] as unknown[];
sparse.length = 1e9;

const hostile: Array<[string, unknown, 'invalid_event' | 'event_too_large']> = [
  ['undefined', undefined, 'invalid_event'],
  ['a string', 'track', 'invalid_event'],
  ['an array', ['track', 'x'], 'invalid_event'],
  ['an unknown method', { method: 'writeFile', args: ['/etc/passwd', 'x'] }, 'invalid_event'],
  ['a prototype method', { method: 'constructor', args: [] }, 'invalid_event'],
  ['__proto__ as method', { method: '__proto__', args: [] }, 'invalid_event'],
  ['a method that is not a string', { method: { toString: 'track' }, args: [] }, 'invalid_event'],
  ['args not an array', { method: 'track', args: 'x' }, 'invalid_event'],
  ['too many args', { method: 'track', args: ['x', {}, {}] }, 'invalid_event'],
  ['no event name', { method: 'track', args: [] }, 'invalid_event'],
  ['a blank event name', { method: 'track', args: ['   '] }, 'invalid_event'],
  ['an event name of 201 characters', { method: 'track', args: ['x'.repeat(201)] }, 'invalid_event'],
  ['an event name that is a number', { method: 'track', args: [42] }, 'invalid_event'],
  ['properties as an array', { method: 'track', args: ['x', [1, 2]] }, 'invalid_event'],
  ['properties as a string', { method: 'track', args: ['x', 'props'] }, 'invalid_event'],
  ['a Map', { method: 'track', args: ['x', new Map([['a', 1]])] }, 'invalid_event'],
  ['a Date inside', { method: 'track', args: ['x', { at: new Date() }] }, 'invalid_event'],
  ['a typed array inside', { method: 'track', args: ['x', { bytes: new Uint8Array(8) }] }, 'invalid_event'],
  ['a BigInt inside', { method: 'track', args: ['x', { n: 10n }] }, 'invalid_event'],
  ['NaN', { method: 'track', args: ['x', { n: Number.NaN }] }, 'invalid_event'],
  ['Infinity', { method: 'track', args: ['x', { n: Infinity }] }, 'invalid_event'],
  ['a cycle', { method: 'track', args: ['x', cyclic()] }, 'invalid_event'],
  ['nesting 10,000 deep', { method: 'track', args: ['x', deep(10_000)] }, 'invalid_event'],
  ['a 10 MB string', { method: 'track', args: ['x', { s: 'x'.repeat(10_000_000) }] }, 'event_too_large'],
  ['20,000 keys', { method: 'track', args: ['x', manyKeys] }, 'event_too_large'],
  ['a sparse array of length 1e9', { method: 'track', args: ['x', { list: sparse }] }, 'event_too_large'],
  ['a user ID of 10,000 characters', { method: 'identify', args: ['u'.repeat(10_000)] }, 'invalid_event'],
  ['a user ID that is an object', { method: 'identify', args: [{ id: 1 }] }, 'invalid_event'],
  ['an empty group ID', { method: 'group', args: [''] }, 'invalid_event'],
  ['alias without an ID', { method: 'alias', args: [] }, 'invalid_event'],
  ['arguments to reset', { method: 'reset', args: ['now'] }, 'invalid_event'],
  ['a page that is a string', { method: 'track', args: ['x'], page: 'https://evil' }, 'invalid_event'],
  ['a page URL of 1 MB', { method: 'track', args: ['x'], page: { url: 'x'.repeat(1_000_000) } }, 'invalid_event'],
  ['a page title that is a number', { method: 'track', args: ['x'], page: { title: 7 } }, 'invalid_event'],
];

describe('validateIpcRequest', () => {
  it.each(hostile)('refuses %s with a typed error', (_name, payload, code) => {
    const result = validateIpcRequest(payload);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.name).toBe('TidemarkError');
      expect(result.error.code).toBe(code);
      expect(result.error.message).toMatch(/^Renderer call refused/);
    }
  });

  it('accepts the calls of the preload, copied into fresh plain JSON', () => {
    const properties = { plan: 'pro', seats: 3, tags: ['a', 'b'], nested: { ok: true, none: null } };
    const result = validateIpcRequest({ method: 'track', args: ['Upgraded', properties], page: { url: 'app://x/', title: 'Home' } });
    expect(result).toEqual({ ok: true, call: { method: 'track', event: 'Upgraded', properties }, page: { url: 'app://x/', title: 'Home' } });
    if (result.ok && result.call.method === 'track') expect(result.call.properties).not.toBe(properties);
  });

  it('keeps the difference between keeping (undefined) and clearing (null) the user ID', () => {
    expect(validateIpcRequest({ method: 'identify', args: [undefined, { a: 1 }] })).toEqual({ ok: true, call: { method: 'identify', traits: { a: 1 } } });
    expect(validateIpcRequest({ method: 'identify', args: [null] })).toEqual({ ok: true, call: { method: 'identify', userId: null } });
    expect(validateIpcRequest({ method: 'identify', args: ['u1'] })).toEqual({ ok: true, call: { method: 'identify', userId: 'u1' } });
  });

  it('drops prototype keys instead of letting them reach an object', () => {
    const payload = JSON.parse('{"method":"track","args":["x",{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},"fine":1}]}');
    const result = validateIpcRequest(payload);
    expect(result).toEqual({ ok: true, call: { method: 'track', event: 'x', properties: { fine: 1 } } });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    if (result.ok && result.call.method === 'track') expect(Object.getPrototypeOf(result.call.properties)).toBe(Object.prototype);
  });

  it('accepts data up to the 32 KB event limit and refuses just past it', () => {
    expect(validateIpcRequest({ method: 'track', args: ['x', { s: 'y'.repeat(30_000) }] }).ok).toBe(true);
    const tooBig = validateIpcRequest({ method: 'track', args: ['x', { s: 'y'.repeat(33_000) }] });
    expect(tooBig.ok || tooBig.error.code).toBe('event_too_large');
  });

  it('allows only the methods the app allows', () => {
    const options = { methods: ['track', 'page'] as const };
    expect(validateIpcRequest({ method: 'track', args: ['x'] }, options).ok).toBe(true);
    const reset = validateIpcRequest({ method: 'reset', args: [] }, options);
    expect(reset.ok || reset.error.message).toMatch(/"reset" is not allowed/);
  });
});
