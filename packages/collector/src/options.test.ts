import { describe, expect, it } from 'vitest';
import { parseCliArgs } from './cli-args.js';
import { CollectorError } from './errors.js';
import { resolveOptions, type CollectorOptions } from './options.js';

const base: CollectorOptions = { dbPath: ':memory:', writeKeys: ['wk'], readKeys: ['rk'] };

describe('resolveOptions', () => {
  it('fills in the defaults', () => {
    expect(resolveOptions(base)).toMatchObject({ port: 8787, host: '127.0.0.1', appIds: [], rateLimit: { perSecond: 1000, burst: 1000 }, synchronous: 'normal', maxGroupEvents: 2000 });
  });

  it.each([
    [{ dbPath: '' }, 'dbPath is required'],
    [{ writeKeys: [] }, 'writeKeys is required'],
    [{ readKeys: [] }, 'readKeys is required'],
    [{ writeKeys: ['has:colon'] }, "without spaces or ':'"],
    [{ writeKeys: [42] }, 'each key must be'],
    [{ writeKeys: 'wk' }, 'writeKeys must be an array'],
    [{ readKeys: ['wk'] }, 'both a read key and a write key'],
    [{ port: 70000 }, 'port must be an integer'],
    [{ rateLimit: { perSecond: 0, burst: 1 } }, 'rateLimit.perSecond must be a positive integer'],
    [{ synchronous: 'sometimes' }, "synchronous must be 'normal' or 'full'"],
  ])('refuses %j with invalid_option', (over, message) => {
    let error: unknown;
    try {
      resolveOptions({ ...base, ...(over as Partial<CollectorOptions>) });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(CollectorError);
    expect((error as CollectorError).code).toBe('invalid_option');
    expect((error as CollectorError).message).toContain(message);
  });

  it('accepts app IDs alone, without write keys', () => {
    expect(resolveOptions({ ...base, writeKeys: [], appIds: ['app'] }).appIds).toEqual(['app']);
  });
});

describe('parseCliArgs', () => {
  it('reads repeatable flags, and flags over environment variables', () => {
    const config = parseCliArgs(['-p', '0', '--write-key', 'a', '--write-key', 'b', '--read-key', 'r', '--rate-limit', '0', '-q'], {
      TIDEMARK_WRITE_KEYS: 'ignored',
      TIDEMARK_APP_IDS: 'app1, app2',
      TIDEMARK_DB: '/data/t.db',
    });
    expect(config).toEqual({
      help: false,
      quiet: true,
      options: { port: 0, host: '127.0.0.1', store: 'sqlite', dbPath: '/data/t.db', writeKeys: ['a', 'b'], readKeys: ['r'], appIds: ['app1', 'app2'], rateLimit: false, synchronous: 'normal' },
    });
  });

  it('reads the ClickHouse flags and their environment variables', () => {
    const config = parseCliArgs(['--store', 'clickhouse', '--clickhouse-url', 'http://a:8123', '--clickhouse-url', 'http://b:8123', '--clickhouse-replicated', '--write-key', 'w', '--read-key', 'r'], {
      TIDEMARK_CLICKHOUSE_QUORUM: '2',
      TIDEMARK_CLICKHOUSE_DATABASE: 'events_db',
    });
    expect(config.options.clickhouse).toEqual({ urls: ['http://a:8123', 'http://b:8123'], database: 'events_db', replicated: true, insertQuorum: 2 });
    const fromEnv = parseCliArgs(['--write-key', 'w', '--read-key', 'r'], { TIDEMARK_STORE: 'clickhouse', TIDEMARK_CLICKHOUSE_URLS: 'http://c:8123' });
    expect(resolveOptions(fromEnv.options)).toMatchObject({ store: 'clickhouse', maxGroupEvents: 5000, clickhouse: { urls: ['http://c:8123'], database: 'tidemark', insertQuorum: 1, lingerMs: 20 } });
  });

  it.each([
    [{ store: 'clickhouse' }, 'clickhouse.urls is required'],
    [{ store: 'clickhouse', clickhouse: { urls: ['ch1:8123'] } }, 'each must be an http(s) URL'],
    [{ store: 'clickhouse', clickhouse: { urls: ['http://a:1'], database: 'x; DROP' } }, 'clickhouse.database must be a plain identifier'],
    [{ store: 'clickhouse', clickhouse: { urls: ['http://a:1'], insertQuorum: 2 } }, 'needs replicated: true'],
    [{ store: 'mysql' }, "store must be 'sqlite' or 'clickhouse'"],
  ])('refuses the storage options %j', (over, message) => {
    expect(() => resolveOptions({ ...base, ...(over as object) })).toThrow(message);
  });

  it.each([
    [['--store', 'mongo'], '--store must be sqlite or clickhouse'],
    [['--nope'], "Unknown option '--nope'"],
    [['--port'], "Option '-p, --port <value>' argument missing"],
    [['--port=-1'], '--port must be a whole number'],
    [['--port', '-1'], 'argument is ambiguous'],
    [['--rate-limit', 'lots'], '--rate-limit must be a whole number'],
    [['--synchronous', 'off'], '--synchronous must be normal or full'],
    [['extra'], 'positional'],
  ])('refuses %j', (argv, message) => {
    expect(() => parseCliArgs(argv, {})).toThrow(message);
  });
});
