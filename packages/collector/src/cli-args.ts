import { parseArgs } from 'node:util';
import { CollectorError } from './errors.js';
import type { CollectorOptions } from './options.js';

/** `tidemark-collector --help`. */
export const USAGE = `Usage: tidemark-collector [options]

Runs the Tidemark reference collector: ingest over HTTP and WebSocket, SQLite or ClickHouse
storage, query and export routes, and a live dashboard at /.

Options (each also read from the environment variable shown):
  -p, --port <n>           port to listen on; 0 picks a free one   TIDEMARK_PORT (default 8787)
      --host <addr>        interface to listen on                  TIDEMARK_HOST (default 127.0.0.1)
      --store <engine>     sqlite or clickhouse                    TIDEMARK_STORE (default sqlite)
      --db <path>          SQLite file, created when missing       TIDEMARK_DB (default ./tidemark.db)
      --clickhouse-url <u> a ClickHouse node, http://host:8123     TIDEMARK_CLICKHOUSE_URLS (comma-separated)
                           (repeatable: the replicas of one shard)
      --clickhouse-database <name>  database of the tables         TIDEMARK_CLICKHOUSE_DATABASE (default tidemark)
      --clickhouse-replicated       ReplicatedReplacingMergeTree   TIDEMARK_CLICKHOUSE_REPLICATED=1
      --clickhouse-quorum <n>       replicas per acked insert      TIDEMARK_CLICKHOUSE_QUORUM (default 1)
      --write-key <key>    accepted write key (repeatable)         TIDEMARK_WRITE_KEYS (comma-separated)
      --read-key <key>     secret key of the query routes and      TIDEMARK_READ_KEYS (comma-separated)
                           the dashboard (repeatable)
      --app-id <id>        accepted Nucleus app ID (repeatable)    TIDEMARK_APP_IDS (comma-separated)
      --rate-limit <n>     requests per second per address on the  TIDEMARK_RATE_LIMIT (default 1000; 0 = off)
                           Nucleus routes
      --synchronous <m>    normal (survives a crash of the process) TIDEMARK_SYNCHRONOUS (default normal)
                           or full (also a power cut)
  -q, --quiet              log only warnings and errors
  -h, --help               show this help

Examples:
  tidemark-collector --port 8787 --db ./tidemark.db --write-key wk_live --read-key rk_secret
  tidemark-collector --store clickhouse --clickhouse-url http://ch1:8123 --clickhouse-url http://ch2:8123 \
    --clickhouse-replicated --clickhouse-quorum 2 --write-key wk_live --read-key rk_secret
`;

/** What the command line asks for. */
export interface CliConfig {
  help: boolean;
  quiet: boolean;
  options: CollectorOptions;
}

const list = (flags: string[] | undefined, env: string | undefined) =>
  flags?.length ? flags : (env ?? '').split(',').map((s) => s.trim()).filter(Boolean);

function integer(text: string, name: string, min: number, max: number): number {
  if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) {
    throw new CollectorError('invalid_option', `${name} must be a whole number from ${min} to ${max}, got ${JSON.stringify(text)}`);
  }
  return Number(text);
}

/**
 * Read the command line and the environment (flags win over variables).
 *
 * @param argv - arguments after the program name
 * @param env - environment variables
 * @returns the configuration
 * @throws CollectorError `invalid_option` for an unknown flag, a missing value or a bad number
 * @example parseCliArgs(['--port', '0', '--write-key', 'wk', '--read-key', 'rk'], {})
 */
export function parseCliArgs(argv: string[], env: Record<string, string | undefined>): CliConfig {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: 'string', short: 'p' },
        host: { type: 'string' },
        db: { type: 'string' },
        store: { type: 'string' },
        'clickhouse-url': { type: 'string', multiple: true },
        'clickhouse-database': { type: 'string' },
        'clickhouse-replicated': { type: 'boolean' },
        'clickhouse-quorum': { type: 'string' },
        'write-key': { type: 'string', multiple: true },
        'read-key': { type: 'string', multiple: true },
        'app-id': { type: 'string', multiple: true },
        'rate-limit': { type: 'string' },
        synchronous: { type: 'string' },
        quiet: { type: 'boolean', short: 'q' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (err) {
    throw new CollectorError('invalid_option', `${err instanceof Error ? err.message : String(err)} (see --help)`, err);
  }
  const rate = integer(values['rate-limit'] ?? env.TIDEMARK_RATE_LIMIT ?? '1000', '--rate-limit', 0, 1_000_000);
  const synchronous = values.synchronous ?? env.TIDEMARK_SYNCHRONOUS ?? 'normal';
  if (synchronous !== 'normal' && synchronous !== 'full') throw new CollectorError('invalid_option', `--synchronous must be normal or full, got ${JSON.stringify(synchronous)}`);
  const store = values.store ?? env.TIDEMARK_STORE ?? 'sqlite';
  if (store !== 'sqlite' && store !== 'clickhouse') throw new CollectorError('invalid_option', `--store must be sqlite or clickhouse, got ${JSON.stringify(store)}`);
  const clickhouse =
    store === 'clickhouse'
      ? {
          urls: list(values['clickhouse-url'], env.TIDEMARK_CLICKHOUSE_URLS),
          database: values['clickhouse-database'] ?? env.TIDEMARK_CLICKHOUSE_DATABASE ?? 'tidemark',
          replicated: values['clickhouse-replicated'] ?? env.TIDEMARK_CLICKHOUSE_REPLICATED === '1',
          insertQuorum: integer(values['clickhouse-quorum'] ?? env.TIDEMARK_CLICKHOUSE_QUORUM ?? '1', '--clickhouse-quorum', 1, 16),
        }
      : undefined;
  return {
    help: values.help ?? false,
    quiet: values.quiet ?? false,
    options: {
      port: integer(values.port ?? env.TIDEMARK_PORT ?? '8787', '--port', 0, 65535),
      host: values.host ?? env.TIDEMARK_HOST ?? '127.0.0.1',
      store,
      dbPath: values.db ?? env.TIDEMARK_DB ?? './tidemark.db',
      ...(clickhouse ? { clickhouse } : {}),
      writeKeys: list(values['write-key'], env.TIDEMARK_WRITE_KEYS),
      readKeys: list(values['read-key'], env.TIDEMARK_READ_KEYS),
      appIds: list(values['app-id'], env.TIDEMARK_APP_IDS),
      rateLimit: rate === 0 ? false : { perSecond: rate, burst: rate },
      synchronous,
    },
  };
}
