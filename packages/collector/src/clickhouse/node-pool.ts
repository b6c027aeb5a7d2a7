import { Readable } from 'node:stream';
import { ClickHouseLogLevel, createClient, type ClickHouseClient } from '@clickhouse/client';
import { tsvField } from './tsv.js';

/** Longest one request to a node may take before it counts as failed. */
const REQUEST_TIMEOUT_MS = 10_000;

/**
 * Clients of the nodes of one shard (its replicas). Every call goes to the current node; when
 * a call fails it moves on to the next node, so the caller's retry lands elsewhere. Which
 * node is current is shared by writes and reads: one that failed a write is not asked to
 * read either.
 *
 * @example
 * const pool = new NodePool(['http://ch1:8123', 'http://ch2:8123']);
 * const rows = await pool.rows<{ n: string }>('SELECT count() AS n FROM tidemark.events');
 */
export class NodePool {
  readonly #clients: ClickHouseClient[];
  readonly urls: readonly string[];
  #current = 0;

  /**
   * @param urls - one URL per node
   */
  constructor(urls: readonly string[]) {
    this.urls = urls;
    this.#clients = urls.map((url) =>
      createClient({
        url,
        request_timeout: REQUEST_TIMEOUT_MS,
        // The collector reports storage failures itself, once per distinct error.
        log: { level: ClickHouseLogLevel.OFF },
        compression: { request: false, response: false },
        keep_alive: { enabled: true },
      }),
    );
  }

  /** The clients, one per node, for set-up that must reach every node (the tables). */
  get clients(): readonly ClickHouseClient[] {
    return this.#clients;
  }

  /** The URL of the node calls go to now. */
  get currentUrl(): string {
    return this.urls[this.#current]!;
  }

  async #call<T>(work: (client: ClickHouseClient, url: string) => Promise<T>, tries: number): Promise<T> {
    let last: unknown;
    for (let attempt = 0; attempt < tries; attempt++) {
      const index = this.#current;
      try {
        return await work(this.#clients[index]!, this.urls[index]!);
      } catch (err) {
        last = err;
        // Another call may have moved on already; move only from the node that failed.
        if (this.#current === index) this.#current = (index + 1) % this.#clients.length;
      }
    }
    throw last;
  }

  /**
   * Run a query and read its rows (JSONEachRow: 64-bit integers arrive as strings). A read
   * that fails is tried once on each other node.
   *
   * @param query - SQL with escaped literals
   * @returns the rows
   * @throws the last node's error
   */
  rows<T>(query: string): Promise<T[]> {
    return this.#call(async (client) => (await client.query({ query, format: 'JSONEachRow' })).json<T>(), this.#clients.length);
  }

  /**
   * Run a query that asks about many keys: they go beside it as the external table
   * `lookup_keys` (one column, `key String`; the query says `key IN lookup_keys`), not as
   * literals in its text. A server parses and analyses each literal of an `IN (…)` list: for
   * 2,000 keys that cost it 9–12.5 ms of CPU against 1.5–4.5 ms as external data (18.16,
   * measured on tables of 0.5–5 million keys, the index used alike), and the lookup before
   * each insert was then about a third of the server's work under load. The
   * client library sends no external data, so this is a plain multipart POST to the node.
   * A read that fails is tried once on each other node.
   *
   * @param query - SQL with escaped literals, reading `lookup_keys`; `FORMAT JSONEachRow` is added
   * @param keys - the keys (well-formed text: see `wellFormed`)
   * @returns the rows
   * @throws the last node's error
   */
  rowsAmongKeys<T>(query: string, keys: readonly string[]): Promise<T[]> {
    return this.#call(async (_, url) => {
      const form = new FormData();
      form.append('lookup_keys', new Blob([keys.map((key) => `${tsvField(key)}\n`).join('')]), 'lookup_keys');
      const { origin, username, password } = new URL(url);
      const params = new URLSearchParams({ query: `${query} FORMAT JSONEachRow`, lookup_keys_structure: 'key String', lookup_keys_format: 'TabSeparated' });
      // fetch refuses a URL with credentials in it: they go as Basic auth, as the client sends them.
      const headers: Record<string, string> = username ? { authorization: `Basic ${Buffer.from(`${decodeURIComponent(username)}:${decodeURIComponent(password)}`).toString('base64')}` } : {};
      const res = await fetch(`${origin}/?${params}`, { method: 'POST', body: form, headers, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
      const text = await res.text();
      if (!res.ok) throw new Error(text.trim() || `ClickHouse answered ${res.status}`);
      return text.split('\n').filter(Boolean).map((line) => JSON.parse(line) as T);
    }, this.#clients.length);
  }

  /**
   * Insert a TabSeparated block (see tsv.ts) into a table of the current node, once: the
   * writer decides about retries, because only it knows the block must stay identical.
   *
   * @param table - `database.table`
   * @param columns - the columns each line gives, in order
   * @param body - the lines
   * @param settings - e.g. `{ insert_quorum: 2 }`
   * @throws the node's error (the pool moves on to the next node)
   */
  async insert(table: string, columns: readonly string[], body: string, settings: Record<string, number>): Promise<void> {
    await this.#call(async (client) => {
      // One chunk: the client's per-row encoding and writes of a row stream took a fifth of
      // the collector's CPU under load.
      const result = await client.exec({ query: `INSERT INTO ${table} (${columns.join(', ')}) FORMAT TabSeparated`, values: Readable.from([body], { objectMode: false }), clickhouse_settings: settings });
      // The answer of an INSERT is empty; read it to the end so the socket goes back to the pool.
      for await (const _ of result.stream);
    }, 1);
  }

  /** Close every client. */
  async close(): Promise<void> {
    await Promise.all(this.#clients.map((client) => client.close()));
  }
}
