import { describe, expect, it } from 'vitest';
import { CLICKHOUSE_URL, clickhouseSql } from '../test-support/collector-fixture.js';
import { tsvField, tsvRows } from './tsv.js';

// Every character TabSeparated treats specially, alone and next to each other, and JSON text
// with its own escapes (a stored event's raw column).
const hostile = [
  '',
  'plain',
  'tab\there',
  'new\nline',
  'crlf\r\n',
  'nul\0byte',
  'back\\slash',
  'ends with \\',
  '\\t is not a tab',
  '{"a":"x\\"y\\\\z\\u0000","b":"\\n"}',
  "O'Brien \"quoted\"",
  '€ and 😀',
];

describe('TabSeparated fields', () => {
  it('escape backslash, tab, newline, CR and NUL, and leave the rest as it is', () => {
    expect(tsvField('a\tb\nc\rd\0e\\f')).toBe('a\\tb\\nc\\rd\\0e\\\\f');
    expect(tsvField('{"q":"\'x\'"}')).toBe('{"q":"\'x\'"}');
    expect(tsvField(-1_700_000_000_123)).toBe('-1700000000123');
    expect(tsvRows(['s', 'n'], [{ s: 'a\tb', n: 1 }, { s: '', n: 2 }])).toBe('a\\tb\t1\n\t2\n');
  });

  it.runIf(CLICKHOUSE_URL !== null)('are read back by the server as the same text and numbers', async () => {
    const table = `default.tsv_test_${process.pid}`;
    await clickhouseSql(`CREATE TABLE ${table} (i UInt32, s String, n Int64) ENGINE = Memory`);
    try {
      const rows = hostile.map((s, i) => ({ i, s, n: i % 2 ? -8_640_000_000_000_000 + i : 9_000_000_000_000_000 - i }));
      await clickhouseSql(`INSERT INTO ${table} (i, s, n) FORMAT TabSeparated\n${tsvRows(['i', 's', 'n'], rows)}`);
      const text = await clickhouseSql(`SELECT i, s, toString(n) AS n FROM ${table} ORDER BY i FORMAT JSONEachRow`);
      const back = text.trim().split('\n').map((line) => JSON.parse(line) as { i: number; s: string; n: string });
      expect(back.map((r) => r.s)).toEqual(hostile);
      expect(back.map((r) => Number(r.n))).toEqual(rows.map((r) => r.n));
    } finally {
      await clickhouseSql(`DROP TABLE IF EXISTS ${table}`);
    }
  });
});
