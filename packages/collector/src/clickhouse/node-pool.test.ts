import { describe, expect, it } from 'vitest';
import { CLICKHOUSE_URL } from '../test-support/collector-fixture.js';
import { NodePool } from './node-pool.js';

// Keys a client may send (any printable text), with what TabSeparated and SQL treat specially.
const keys = ['plain', "O'Brien", 'back\\slash', 'ends with \\', '"quoted"', '€ and 😀', 'tab\there', ''];

describe.runIf(CLICKHOUSE_URL !== null)('NodePool.rowsAmongKeys', () => {
  it('reads the keys as the table lookup_keys, each exactly as given', async () => {
    const pool = new NodePool([CLICKHOUSE_URL!]);
    try {
      const rows = await pool.rowsAmongKeys<{ key: string }>('SELECT key FROM lookup_keys ORDER BY key', keys);
      expect(rows.map((r) => r.key)).toEqual([...keys].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b))));
      const some = await pool.rowsAmongKeys<{ n: string }>("SELECT count() AS n FROM system.one WHERE 'back\\\\slash' IN lookup_keys", keys);
      expect(some).toEqual([{ n: '1' }]);
    } finally {
      await pool.close();
    }
  });

  it('sends the credentials of the node URL, on the lookups and on the client library\'s calls', async () => {
    const url = new URL(CLICKHOUSE_URL!);
    url.username = 'default';
    const good = new NodePool([url.href]);
    url.password = 'wrong';
    const bad = new NodePool([url.href]);
    try {
      expect(await good.rowsAmongKeys('SELECT count() AS n FROM lookup_keys', keys)).toEqual([{ n: String(keys.length) }]);
      await expect(bad.rowsAmongKeys('SELECT count() AS n FROM lookup_keys', keys)).rejects.toThrow(/password/i);
      expect(await good.rows('SELECT 1 AS n')).toEqual([{ n: 1 }]);
      await expect(bad.rows('SELECT 1 AS n')).rejects.toThrow(/password/i);
    } finally {
      await Promise.all([good.close(), bad.close()]);
    }
  });
});
