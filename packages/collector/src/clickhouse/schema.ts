import type { ClickHouseClient } from '@clickhouse/client';

/**
 * The events table. A re-sent event replaces itself: the sort key holds only fields that
 * never change between retries (source, the client timestamp's UTC day, the dedupe key), and
 * ReplacingMergeTree keeps one row per sort key — the one with the highest `ver`, which is
 * the earliest insert (`ver` falls as the insert order `ord` grows), so every query and
 * export sees the same copy before and after merges. Monthly partitions by that day keep
 * retention a matter of dropping partitions. Empty strings stand for absent IDs (no
 * Nullable columns: aggregates over them behave the same on every server version).
 * `sess_ord`/`user_ord` are the `ord` of the first row of the same session/user in the
 * row's insert: the session and user exports walk by them, so sessions changed by one insert
 * come in the order they first appear in it, as with SQLite.
 */
function eventsTable(database: string, engine: string): string {
  return `CREATE TABLE IF NOT EXISTS ${database}.events (
  source String, day Date, key String, ord UInt64, ver UInt64, sess_ord UInt64, user_ord UInt64,
  message_id String, type String, name String,
  anonymous_id String, user_id String, session_id String, session_key String, user_key String,
  client_ms Int64, event_ms Int64, received_ms Int64,
  flags String, raw String, traits String, starts_session UInt8
) ENGINE = ${engine}
PARTITION BY toYYYYMM(day)
ORDER BY (source, day, key)`;
}

/**
 * The keys of stored events, for the lookup of a batch's keys before its insert (and for
 * receipts). Three narrow columns and small granules: a lookup of 5,000 random keys reads
 * about one granule per key, so 256 rows a granule keep it to ~1.3 million short rows however
 * big a day gets (with the events table's 8,192 it would be 41 million wide ones). A
 * materialized view fills it from every insert into `events`.
 */
function keysTable(database: string, engine: string): string {
  return `CREATE TABLE IF NOT EXISTS ${database}.event_keys (source String, day Date, key String) ENGINE = ${engine}
PARTITION BY toYYYYMM(day)
ORDER BY (source, day, key)
SETTINGS index_granularity = 256`;
}

/** Heartbeats keep sessions alive; a copy of one changes nothing (sessions take min and max). */
function heartbeatsTable(database: string, engine: string): string {
  return `CREATE TABLE IF NOT EXISTS ${database}.heartbeats (
  source String, day Date, session_key String, session_id String, anonymous_id String, user_id String,
  at_ms Int64, ord UInt64
) ENGINE = ${engine}
PARTITION BY toYYYYMM(day)
ORDER BY (source, session_key, at_ms)`;
}

/**
 * Create the database and tables on one node when missing. Replicated tables share a
 * ZooKeeper path per database; each server's `{replica}` macro names its replica.
 *
 * @param client - a client of the node
 * @param database - database name (checked to be an identifier by the options)
 * @param replicated - `Replicated*MergeTree` or the plain engines
 */
export async function createTables(client: ClickHouseClient, database: string, replicated: boolean): Promise<void> {
  const engine = (name: string, table: string, args: string[]) =>
    replicated ? `Replicated${name}(${[`'/clickhouse/tables/{shard}/${database}/${table}'`, "'{replica}'", ...args].join(', ')})` : `${name}(${args.join(', ')})`;
  await client.command({ query: `CREATE DATABASE IF NOT EXISTS ${database}` });
  await client.command({ query: eventsTable(database, engine('ReplacingMergeTree', 'events', ['ver'])) });
  await client.command({ query: keysTable(database, engine('ReplacingMergeTree', 'event_keys', [])) });
  // The server writes the keys as part of each events insert: no second round trip, and
  // never a key without its event.
  await client.command({ query: `CREATE MATERIALIZED VIEW IF NOT EXISTS ${database}.event_keys_of_events TO ${database}.event_keys AS SELECT source, day, key FROM ${database}.events` });
  await client.command({ query: heartbeatsTable(database, engine('MergeTree', 'heartbeats', [])) });
}
