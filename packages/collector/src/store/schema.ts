import Database from 'libsql';
import { CollectorError } from '../errors.js';

/** A libsql (better-sqlite3 API) database handle. */
export type Db = InstanceType<typeof Database>;

/**
 * Tables of the collector. Rows are never deleted, so `events.seq` (the rowid) only grows:
 * it is the export cursor, and a row committed later always has a larger `seq`.
 * Indexes are the ones the queries use: the dedupe key, time (metrics, export windows, and
 * `user_id=` within a window), and the change sequence of sessions and users (export).
 * There is no index by user: with many users interleaved, each row dirtied one more page of
 * it per commit, which made a write three times as costly (17.6 against 5.7 µs per row with
 * 500 users, measured), for `/v1/metrics?user_id=` alone, which the time index bounds.
 */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS events (
  seq INTEGER PRIMARY KEY,
  key TEXT NOT NULL UNIQUE,
  message_id TEXT NOT NULL,
  type TEXT NOT NULL,
  name TEXT NOT NULL,
  anonymous_id TEXT,
  user_id TEXT,
  session_id TEXT,
  client_ms INTEGER NOT NULL,
  event_ms INTEGER NOT NULL,
  received_ms INTEGER NOT NULL,
  source TEXT NOT NULL,
  flags TEXT,
  raw TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS events_by_time ON events (event_ms, name);
-- Files written by earlier versions carry an index by user: it goes (see above).
DROP INDEX IF EXISTS events_by_user;

CREATE TABLE IF NOT EXISTS sessions (
  source TEXT NOT NULL,
  session_key TEXT NOT NULL,
  session_id TEXT NOT NULL,
  anonymous_id TEXT,
  user_id TEXT,
  started_ms INTEGER NOT NULL,
  ended_ms INTEGER NOT NULL,
  event_count INTEGER NOT NULL,
  modified_ms INTEGER NOT NULL,
  change_seq INTEGER NOT NULL,
  PRIMARY KEY (source, session_key)
);
CREATE INDEX IF NOT EXISTS sessions_by_change ON sessions (change_seq);
CREATE INDEX IF NOT EXISTS sessions_by_start ON sessions (started_ms);

CREATE TABLE IF NOT EXISTS users (
  source TEXT NOT NULL,
  user_key TEXT NOT NULL,
  anonymous_id TEXT,
  user_id TEXT,
  traits TEXT,
  first_seen_ms INTEGER NOT NULL,
  last_seen_ms INTEGER NOT NULL,
  event_count INTEGER NOT NULL,
  modified_ms INTEGER NOT NULL,
  change_seq INTEGER NOT NULL,
  PRIMARY KEY (source, user_key)
);
CREATE INDEX IF NOT EXISTS users_by_change ON users (change_seq);
`;

/**
 * Open (creating when missing) the collector's SQLite file in WAL mode with its tables.
 *
 * @param path - file path, or `':memory:'`
 * @param synchronous - `'normal'`: a commit survives a crash of the process (WAL);
 *   `'full'`: it also survives a power cut (fsync per commit)
 * @returns the open database
 * @throws CollectorError `storage` when the file cannot be opened or written
 */
export function openDatabase(path: string, synchronous: 'normal' | 'full'): Db {
  let db: Db | undefined;
  try {
    db = new Database(path);
    db.exec('PRAGMA journal_mode = WAL');
    db.exec(`PRAGMA synchronous = ${synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
    // A bigger page cache keeps the random-key dedupe index in memory (the default is 2 MB).
    db.exec('PRAGMA cache_size = -32000');
    // Checkpoints run in a worker thread (see checkpointer.ts), not in the writer: SQLite's
    // default (every 4 MB of WAL) would make the writer stop for a checkpoint and its fsyncs
    // every commit or two under load, since each row dirties a page of the random-key index.
    db.exec(`PRAGMA wal_autocheckpoint = ${path === ':memory:' ? 1000 : 0}`);
    db.exec('PRAGMA journal_size_limit = 67108864');
    // The checkpointer's rare TRUNCATE takes the write lock; wait for it instead of failing.
    db.exec('PRAGMA busy_timeout = 5000');
    db.exec(SCHEMA);
    return db;
  } catch (err) {
    try {
      db?.close();
    } catch {
      // the open failed half-way; nothing more to release
    }
    const reason = err instanceof Error ? err.message : String(err);
    throw new CollectorError(
      'storage',
      `cannot open the database ${JSON.stringify(path)}: ${reason} (does the directory exist, and may this process write there?)`,
      err,
    );
  }
}

/**
 * Run reads on one snapshot. The writer may be another connection (a writer thread), and
 * each statement outside a transaction sees its own snapshot; reads that must agree (an
 * export page and the newest position) share one.
 *
 * @param db - the connection
 * @param read - the reads
 * @returns what `read` returns
 */
export function readSnapshot<T>(db: Db, read: () => T): T {
  db.exec('BEGIN');
  try {
    return read();
  } finally {
    db.exec('COMMIT');
  }
}
