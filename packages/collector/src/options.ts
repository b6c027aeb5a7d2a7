import { CollectorError } from './errors.js';
import { quietLogger, type Logger } from './logger.js';

/** Per-address rate limit of the Nucleus-style routes: a token bucket. */
export interface RateLimitOptions {
  /** Requests (HTTP requests, WebSocket upgrades and frames) refilled per second. */
  perSecond: number;
  /** Most requests allowed in a burst. */
  burst: number;
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
  /** Path of the SQLite file; created with its tables when missing. `':memory:'` for tests. */
  dbPath: string;
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
   * @default 2000
   */
  maxGroupEvents?: number;
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
  dbPath: string;
  writeKeys: string[];
  readKeys: string[];
  appIds: string[];
  rateLimit: RateLimitOptions | false;
  synchronous: 'normal' | 'full';
  maxGroupEvents: number;
  maxConnectionsPerAddress: number;
  pingIntervalMs: number;
  requestTimeoutMs: number;
  logger: Logger;
}

const fail = (message: string): never => {
  throw new CollectorError('invalid_option', message);
};

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

function positiveInt(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) fail(`${name} must be a positive integer, got ${String(value)}`);
  return value as number;
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
  const port = options.port ?? 8787;
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`port must be an integer from 0 to 65535, got ${String(options.port)}`);
  const host = options.host ?? '127.0.0.1';
  if (typeof host !== 'string' || host === '') fail('host must be a non-empty string (e.g. 127.0.0.1)');
  if (typeof options.dbPath !== 'string' || options.dbPath === '') fail("dbPath is required (pass { dbPath: './tidemark.db' })");
  const writeKeys = keyList(options.writeKeys, 'writeKeys', "'wk_…'");
  const readKeys = keyList(options.readKeys, 'readKeys', "'rk_…'");
  const appIds = keyList(options.appIds, 'appIds', "'my-app'");
  if (writeKeys.length === 0 && appIds.length === 0) fail("writeKeys is required: give at least one write key (pass { writeKeys: ['wk_…'] })");
  if (readKeys.length === 0) fail("readKeys is required: give at least one read key for the query routes (pass { readKeys: ['rk_…'] })");
  const shared = readKeys.find((key) => writeKeys.includes(key) || appIds.includes(key));
  if (shared !== undefined) fail(`the key ${JSON.stringify(shared)} is both a read key and a write key or app ID; read keys must be secret and distinct`);
  const rateLimit = options.rateLimit ?? { perSecond: 1000, burst: 1000 };
  if (rateLimit !== false) {
    positiveInt(rateLimit.perSecond, 'rateLimit.perSecond', 1);
    positiveInt(rateLimit.burst, 'rateLimit.burst', 1);
  }
  const synchronous = options.synchronous ?? 'normal';
  if (synchronous !== 'normal' && synchronous !== 'full') fail(`synchronous must be 'normal' or 'full', got ${String(synchronous)}`);
  return {
    port,
    host,
    dbPath: options.dbPath,
    writeKeys,
    readKeys,
    appIds,
    rateLimit,
    synchronous,
    maxGroupEvents: positiveInt(options.maxGroupEvents, 'maxGroupEvents', 2000),
    maxConnectionsPerAddress: positiveInt(options.maxConnectionsPerAddress, 'maxConnectionsPerAddress', 64),
    pingIntervalMs: positiveInt(options.pingIntervalMs, 'pingIntervalMs', 30_000),
    requestTimeoutMs: positiveInt(options.requestTimeoutMs, 'requestTimeoutMs', 30_000),
    logger: options.logger ?? quietLogger(),
  };
}
