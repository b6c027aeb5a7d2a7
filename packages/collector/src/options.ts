import { numberOption, type NumberBounds } from '@tidemark/protocol';
import { CollectorError } from './errors.js';
import { quietLogger, type Logger } from './logger.js';

/** Per-address rate limit of the Nucleus-style routes: a token bucket. */
export interface RateLimitOptions {
  /** Requests (HTTP requests, WebSocket upgrades and frames) refilled per second. */
  perSecond: number;
  /** Most requests allowed in a burst. */
  burst: number;
}

/** Where the events of a `store: 'clickhouse'` collector go. */
export interface ClickHouseOptions {
  /**
   * HTTP URLs of the ClickHouse nodes (the replicas of one shard), e.g.
   * `['http://ch1:8123', 'http://ch2:8123']`. Writes and queries go to the first that answers;
   * when it fails, the same block goes to the next.
   */
  urls: string[];
  /**
   * Database of the `events` and `heartbeats` tables; created with them when missing.
   * @default 'tidemark'
   */
  database?: string;
  /**
   * Use `ReplicatedReplacingMergeTree` (the servers need ZooKeeper and a `{replica}` macro);
   * otherwise plain `ReplacingMergeTree` on one node.
   * @default false
   */
  replicated?: boolean;
  /**
   * Replicas that must hold an insert before it is acknowledged (`insert_quorum`); 2 of 3
   * loses nothing when one replica dies. Needs `replicated`.
   * @default 1
   */
  insertQuorum?: number;
  /**
   * How long a group waits for more requests before it is inserted (the collector sends
   * inserts of up to `maxGroupEvents` rows).
   * @default 20
   */
  lingerMs?: number;
  /**
   * Export pages only hold rows received at least this long ago, so a row whose insert was
   * still being retried (or came from a collector whose clock lags) is not passed by the cursor.
   * Keep it above `retryBudgetMs` plus one request's timeout (10 s); `0` waits for nothing
   * (tests, where no insert is retried).
   * @default 30000
   */
  exportSettleMs?: number;
  /**
   * How long a failed insert is retried (the identical block, on the next node) before its
   * requests are answered 503, unacknowledged, for their clients to send again.
   * @default 8000
   */
  retryBudgetMs?: number;
}

/** Options of {@link startCollector}. */
export interface CollectorOptions {
  /**
   * TCP port; `0` picks a free one (read it from `RunningCollector.port`).
   * @default 8787
   */
  port?: number;
  /**
   * Interface to listen on.
   * @default '127.0.0.1'
   */
  host?: string;
  /**
   * Storage engine: `'sqlite'` (one embedded file, the default) or `'clickhouse'` (a node or
   * a replicated cluster, see `clickhouse`).
   * @default 'sqlite'
   */
  store?: 'sqlite' | 'clickhouse';
  /** Path of the SQLite file; created with its tables when missing. `':memory:'` for tests. Required with `store: 'sqlite'`. */
  dbPath?: string;
  /** The ClickHouse nodes; required with `store: 'clickhouse'`. */
  clickhouse?: ClickHouseOptions;
  /** Write keys accepted by the ingest routes (Basic auth, `writeKey` in a beacon body, or as a WebSocket app ID). */
  writeKeys: string[];
  /** Secret keys of the query routes and the dashboard (`Authorization: Bearer <readKey>`). */
  readKeys: string[];
  /** App IDs accepted by the Nucleus-style routes `/app/:appId/track` and `/:appId/`. */
  appIds?: string[];
  /**
   * Per-address limit of the Nucleus-style routes, or `false` for none.
   * @default { perSecond: 1000, burst: 1000 }
   */
  rateLimit?: RateLimitOptions | false;
  /**
   * SQLite `synchronous` mode. `'normal'` (WAL) keeps every acknowledged event through a
   * crash of the process; `'full'` also through a power cut, at the cost of an fsync per commit.
   * @default 'normal'
   */
  synchronous?: 'normal' | 'full';
  /**
   * Most events written in one group commit; whole requests are never split.
   * @default 2000 (SQLite), 5000 (ClickHouse)
   */
  maxGroupEvents?: number;
  /**
   * Most events waiting for their commit; past it requests are answered 503 with
   * `Retry-After` (the clients retry), so a slow or unreachable store costs bounded memory.
   * @default 100000
   */
  maxPendingEvents?: number;
  /**
   * Most WebSocket connections from one address.
   * @default 64
   */
  maxConnectionsPerAddress?: number;
  /**
   * Interval of WebSocket pings; a socket that did not answer the previous ping is dropped.
   * @default 30000
   */
  pingIntervalMs?: number;
  /**
   * Longest a request may take to arrive, headers and body; a slower one is answered 408.
   * @default 30000
   */
  requestTimeoutMs?: number;
  /** Where to report; defaults to warnings and errors on the console. */
  logger?: Logger;
}

/** Options after defaults and checks. */
export interface ResolvedOptions {
  port: number;
  host: string;
  store: 'sqlite' | 'clickhouse';
  dbPath: string;
  clickhouse: Required<ClickHouseOptions> | null;
  writeKeys: string[];
  readKeys: string[];
  appIds: string[];
  rateLimit: RateLimitOptions | false;
  synchronous: 'normal' | 'full';
  maxGroupEvents: number;
  maxPendingEvents: number;
  maxConnectionsPerAddress: number;
  pingIntervalMs: number;
  requestTimeoutMs: number;
  logger: Logger;
}

const invalid = (message: string) => new CollectorError('invalid_option', message);
const fail = (message: string): never => {
  throw invalid(message);
};
/** An integer option within `bounds` (at least 1 unless they say otherwise), or its default. */
const integer = (value: unknown, name: string, fallback: number, bounds: Partial<NumberBounds> = {}): number =>
  numberOption(name, value, fallback, { min: 1, ...bounds, integer: true }, invalid);

function keyList(value: unknown, name: string, example: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) return fail(`${name} must be an array of strings (pass { ${name}: [${example}] })`);
  for (const key of value) {
    if (typeof key !== 'string' || key.trim() === '' || key.length > 200 || /[\s:]/.test(key)) {
      return fail(`${name} holds ${JSON.stringify(key)}: each key must be a non-empty string of at most 200 characters without spaces or ':'`);
    }
  }
  return [...new Set(value as string[])];
}

function resolveClickHouse(options: ClickHouseOptions | undefined): Required<ClickHouseOptions> {
  if (!options || !Array.isArray(options.urls) || options.urls.length === 0) fail("clickhouse.urls is required with store: 'clickhouse' (pass { clickhouse: { urls: ['http://127.0.0.1:8123'] } })");
  const urls = options!.urls;
  for (const url of urls) {
    if (typeof url !== 'string' || !/^https?:\/\/[^/\s]+\/?$/.test(url)) fail(`clickhouse.urls holds ${JSON.stringify(url)}: each must be an http(s) URL of a node, e.g. http://127.0.0.1:8123`);
  }
  const database = options!.database ?? 'tidemark';
  if (typeof database !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(database)) fail(`clickhouse.database must be a plain identifier (letters, digits, _), got ${JSON.stringify(database)}`);
  const replicated = options!.replicated ?? false;
  const insertQuorum = integer(options!.insertQuorum, 'clickhouse.insertQuorum', 1);
  if (insertQuorum > 1 && !replicated) fail('clickhouse.insertQuorum above 1 needs replicated: true (a quorum is counted among replicas)');
  const lingerMs = integer(options!.lingerMs, 'clickhouse.lingerMs', 20, { min: 0, max: 10_000 });
  const exportSettleMs = integer(options!.exportSettleMs, 'clickhouse.exportSettleMs', 30_000, { min: 0 });
  const retryBudgetMs = integer(options!.retryBudgetMs, 'clickhouse.retryBudgetMs', 8_000);
  return { urls: urls.map((url) => url.replace(/\/$/, '')), database, replicated, insertQuorum, lingerMs, exportSettleMs, retryBudgetMs };
}

/**
 * Check the options of {@link startCollector} and fill in the defaults.
 *
 * @param options - what the caller passed
 * @returns the options with every default applied
 * @throws CollectorError `invalid_option` naming the option and the fix
 */
export function resolveOptions(options: CollectorOptions): ResolvedOptions {
  if (options === null || typeof options !== 'object') fail("options are required (pass { dbPath: './tidemark.db', writeKeys: ['wk_…'], readKeys: ['rk_…'] })");
  const port = integer(options.port, 'port', 8787, { min: 0, max: 65535 });
  const host = options.host ?? '127.0.0.1';
  if (typeof host !== 'string' || host === '') fail('host must be a non-empty string (e.g. 127.0.0.1)');
  const store = options.store ?? 'sqlite';
  if (store !== 'sqlite' && store !== 'clickhouse') fail(`store must be 'sqlite' or 'clickhouse', got ${String(store)}`);
  if (store === 'sqlite' && (typeof options.dbPath !== 'string' || options.dbPath === '')) fail("dbPath is required (pass { dbPath: './tidemark.db' })");
  const clickhouse = store === 'clickhouse' ? resolveClickHouse(options.clickhouse) : null;
  const writeKeys = keyList(options.writeKeys, 'writeKeys', "'wk_…'");
  const readKeys = keyList(options.readKeys, 'readKeys', "'rk_…'");
  const appIds = keyList(options.appIds, 'appIds', "'my-app'");
  if (writeKeys.length === 0 && appIds.length === 0) fail("writeKeys is required: give at least one write key (pass { writeKeys: ['wk_…'] })");
  if (readKeys.length === 0) fail("readKeys is required: give at least one read key for the query routes (pass { readKeys: ['rk_…'] })");
  const shared = readKeys.find((key) => writeKeys.includes(key) || appIds.includes(key));
  if (shared !== undefined) fail(`the key ${JSON.stringify(shared)} is both a read key and a write key or app ID; read keys must be secret and distinct`);
  const rateLimit = options.rateLimit ?? { perSecond: 1000, burst: 1000 };
  if (rateLimit !== false) {
    integer(rateLimit.perSecond, 'rateLimit.perSecond', 1);
    integer(rateLimit.burst, 'rateLimit.burst', 1);
  }
  const synchronous = options.synchronous ?? 'normal';
  if (synchronous !== 'normal' && synchronous !== 'full') fail(`synchronous must be 'normal' or 'full', got ${String(synchronous)}`);
  return {
    port,
    host,
    store,
    dbPath: options.dbPath ?? '',
    clickhouse,
    writeKeys,
    readKeys,
    appIds,
    rateLimit,
    synchronous,
    maxGroupEvents: integer(options.maxGroupEvents, 'maxGroupEvents', store === 'clickhouse' ? 5000 : 2000),
    maxPendingEvents: integer(options.maxPendingEvents, 'maxPendingEvents', 100_000),
    maxConnectionsPerAddress: integer(options.maxConnectionsPerAddress, 'maxConnectionsPerAddress', 64),
    pingIntervalMs: integer(options.pingIntervalMs, 'pingIntervalMs', 30_000),
    requestTimeoutMs: integer(options.requestTimeoutMs, 'requestTimeoutMs', 30_000),
    logger: options.logger ?? quietLogger(),
  };
}
