import { describe, expect, it } from 'vitest';
import { toJsonObject } from './json-safe.js';

describe('toJsonObject', () => {
  it('converts Dates, BigInts, functions and non-finite numbers', () => {
    const out = toJsonObject({ at: new Date(0), big: 10n, fn: () => 1, inf: Infinity, nan: NaN, bad: new Date('x'), sym: Symbol('s') });
    expect(out).toEqual({ at: '1970-01-01T00:00:00.000Z', big: '10', inf: null, nan: null, bad: null });
  });

  it('replaces circular references without throwing', () => {
    const a: Record<string, unknown> = { name: 'a' };
    a.self = a;
    a.list = [a, 1];
    expect(toJsonObject(a)).toEqual({ name: 'a', self: '[Circular]', list: ['[Circular]', 1] });
  });

  it('keeps shared (non-circular) references', () => {
    const shared = { x: 1 };
    expect(toJsonObject({ a: shared, b: shared })).toEqual({ a: { x: 1 }, b: { x: 1 } });
  });

  it('skips __proto__ keys so merging the result cannot pollute prototypes', () => {
    const hostile = JSON.parse('{"__proto__": {"polluted": true}, "constructor": {"prototype": {"p": 1}}, "ok": 1}');
    const out = toJsonObject(hostile);
    expect(out).toEqual({ ok: 1 });
    const merged = { ...out };
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(merged)).toBe(Object.prototype);
  });

  it('survives throwing getters and hostile proxies', () => {
    const obj = { ok: 1, get boom() { throw new Error('no'); } };
    expect(toJsonObject(obj)).toEqual({ ok: 1 });
    const proxy = new Proxy({}, { ownKeys() { throw new Error('trap'); } });
    expect(toJsonObject({ p: proxy, ok: 2 })).toEqual({ p: null, ok: 2 });
  });

  it('guards every Proxy trap: getPrototypeOf, revoked proxies, get; and counts what it left out', () => {
    const unreadable = { count: 0 };
    const proto = new Proxy({}, { getPrototypeOf() { throw new Error('trap'); } });
    const { proxy: revoked, revoke } = Proxy.revocable({}, {});
    revoke();
    const get = new Proxy({ a: 1 }, { get() { throw new Error('get'); } });
    expect(toJsonObject({ proto, revoked, list: [revoked, 1], get, ok: true }, unreadable)).toEqual({ proto: null, revoked: null, list: [null, 1], get: null, ok: true });
    expect(unreadable.count).toBe(4);
    const top = { count: 0 };
    expect(toJsonObject(revoked, top)).toEqual({});
    expect(toJsonObject('text', top)).toEqual({});
    expect(top.count).toBe(2);
  });

  it('stays bounded on a graph of shared references (2^40 paths within the depth limit)', () => {
    let node: Record<string, unknown> = { leaf: 1 };
    for (let i = 0; i < 40; i++) node = { a: node, b: node };
    const out = JSON.stringify(toJsonObject(node));
    expect(out).toContain('[Truncated]');
    expect(out.length).toBeLessThan(400_000);
  });

  it('cuts deep nesting', () => {
    let deep: Record<string, unknown> = {};
    const root = deep;
    for (let i = 0; i < 100; i++) deep = (deep.next = {}) as Record<string, unknown>;
    expect(JSON.stringify(toJsonObject(root))).toContain('[Depth]');
  });

  it('returns an empty object for non-objects', () => {
    expect(toJsonObject('text')).toEqual({});
    expect(toJsonObject(null)).toEqual({});
    expect(toJsonObject([1, 2])).toEqual({});
  });
});
