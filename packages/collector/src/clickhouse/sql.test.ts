import { describe, expect, it } from 'vitest';
import { CLICKHOUSE_URL, clickhouseSql } from '../test-support/collector-fixture.js';
import { after, int, quote, quoteList } from './sql.js';

const hostile = ["O'Brien", 'back\\slash', "\\'; DROP DATABASE x; --", 'nul\0byte', 'tab\tnew\nline', 'lone \ud800 surrogate', '€ and 😀'];

describe('SQL literals', () => {
  it('escape quotes, backslashes and NUL, and make lone surrogates U+FFFD', () => {
    expect(quote("O'Brien")).toBe("'O\\'Brien'");
    expect(quote('a\\b')).toBe("'a\\\\b'");
    expect(quote('x\0y')).toBe("'x\\0y'");
    expect(quote('bad \ud800')).toBe("'bad \ufffd'");
    expect(quoteList(['a', "b'"])).toBe("('a', 'b\\'')");
    expect(after(['ord', 'source', 'key'], [5, "s'", 'k'])).toBe("(ord, source, key) > (5, 's\\'', 'k')");
  });

  it('refuse a number that is not a safe integer', () => {
    expect(int(42)).toBe('42');
    for (const bad of [NaN, 1.5, Infinity, 2 ** 53]) expect(() => int(bad)).toThrow(RangeError);
  });

  it.runIf(CLICKHOUSE_URL !== null)('come back from the server as the same text', async () => {
    const text = await clickhouseSql(`SELECT arrayJoin([${hostile.map(quote).join(', ')}]) AS v FORMAT JSONEachRow`);
    const values = text.trim().split('\n').map((line) => (JSON.parse(line) as { v: string }).v);
    expect(values).toEqual(hostile.map((s) => s.replace('\ud800', '\ufffd')));
  });
});
