import type { Db } from './schema.js';
import { openDatabase } from './schema.js';
import { startCheckpointer, type Checkpointer } from './checkpointer.js';
import { rollup, type SessionDelta, type UserDelta } from './rollup.js';
import type { EventRow, SessionTouch } from './row.js';

type Statement = ReturnType<Db['prepare']>;

/**
 * Rows per multi-row statement: 13 parameters each at most, far below SQLite's 32,766 limit.
 * One statement for 50 rows costs less than 50 for one each: for the users' upsert, 7–9
 * against 13–17 µs a row (measured, 500 users in 100-row commits).
 */
const CHUNK = 50;
const COLUMNS =
  'key, message_id, type, name, anonymous_id, user_id, session_id, client_ms, event_ms, received_ms, source, flags, raw';
const SESSION_COLUMNS = 'source, session_key, session_id, anonymous_id, user_id, started_ms, ended_ms, event_count, modified_ms, change_seq';
const USER_COLUMNS = 'source, user_key, anonymous_id, user_id, traits, first_seen_ms, last_seen_ms, event_count, modified_ms, change_seq';

/** `(?, ?, …), (?, ?, …)…`: the VALUES of `rows` rows of `width` parameters. */
const placeholders = (rows: number, width: number) => Array(rows).fill(`(${Array(width).fill('?').join(', ')})`).join(', ');

/**
 * Prepared statements for 1 to {@link CHUNK} rows, made on first use.
 *
 * @param db - the connection
 * @param sql - the statement for `rows` rows
 * @returns the statement for a number of rows
 */
function bySize(db: Db, sql: (rows: number) => string): (rows: number) => Statement {
  const made = new Map<number, Statement>();
  return (rows) => {
    let statement = made.get(rows);
    if (!statement) made.set(rows, (statement = db.prepare(sql(rows))));
    return statement;
  };
}

/**
 * Run a multi-row statement over items, {@link CHUNK} at a time.
 *
 * @param statement - the statement by number of rows
 * @param items - the items, one row each
 * @param values - the parameters of an item's row, in the statement's column order
 */
function runChunked<T>(statement: (rows: number) => Statement, items: readonly T[], values: (item: T) => unknown[]): void {
  for (let start = 0; start < items.length; start += CHUNK) {
    const chunk = items.slice(start, start + CHUNK);
    statement(chunk.length).run(chunk.flatMap(values));
  }
}

/**
 * The collector's storage: one SQLite file, one connection, one writer. Every method is
 * synchronous (libsql's API), so a read never sees half of a commit.
 *
 * @example
 * const store = EventStore.open('./tidemark.db', 'normal');
 * const fresh = store.write(rows, [], Date.now());
 */
export class EventStore {
  /** The open database, for the query modules. */
  readonly db: Db;
  readonly #insertEvents: (rows: number) => Statement;
  readonly #upsertSessions: (rows: number) => Statement;
  readonly #endSession: Statement;
  readonly #upsertUsers: (rows: number) => Statement;
  readonly #userTraits: Statement;
  readonly #freshSince: Statement;
  readonly #maxSeq: Statement;
  /** The newest `seq` in the write transaction (rows are numbered one after another). */
  #lastSeq = 0;
  readonly #checkpointer: Checkpointer | null;
  #sessionSeq: number;
  #userSeq: number;
  /** Events in the file when it was opened (the writer may be another connection). */
  readonly eventsAtOpen: number;

  private constructor(db: Db, checkpointer: Checkpointer | null) {
    this.db = db;
    this.#checkpointer = checkpointer;
    // ON CONFLICT (key) skips only duplicates; any other constraint failure still fails the write.
    this.#insertEvents = bySize(db, (n) => `INSERT INTO events (${COLUMNS}) VALUES ${placeholders(n, 13)} ON CONFLICT (key) DO NOTHING`);
    this.#upsertSessions = bySize(
      db,
      (n) => `INSERT INTO sessions (${SESSION_COLUMNS}) VALUES ${placeholders(n, 10)}
       ON CONFLICT (source, session_key) DO UPDATE SET
         started_ms = min(started_ms, excluded.started_ms),
         ended_ms = max(ended_ms, excluded.ended_ms),
         event_count = event_count + excluded.event_count,
         user_id = coalesce(excluded.user_id, user_id),
         modified_ms = excluded.modified_ms,
         change_seq = excluded.change_seq`,
    );
    // A Nucleus `init` under a key whose session ended earlier starts a new session: the old
    // one is kept under a key suffixed with its start time.
    this.#endSession = db.prepare(
      `UPDATE OR IGNORE sessions SET session_key = session_key || '@' || started_ms
       WHERE source = ? AND session_key = ? AND ended_ms < ?`,
    );
    this.#upsertUsers = bySize(
      db,
      (n) => `INSERT INTO users (${USER_COLUMNS}) VALUES ${placeholders(n, 10)}
       ON CONFLICT (source, user_key) DO UPDATE SET
         user_id = coalesce(excluded.user_id, user_id),
         traits = coalesce(excluded.traits, traits),
         first_seen_ms = min(first_seen_ms, excluded.first_seen_ms),
         last_seen_ms = max(last_seen_ms, excluded.last_seen_ms),
         event_count = event_count + excluded.event_count,
         modified_ms = excluded.modified_ms,
         change_seq = excluded.change_seq`,
    );
    this.#userTraits = db.prepare('SELECT traits FROM users WHERE source = ? AND user_key = ?');
    this.#freshSince = db.prepare('SELECT key, seq FROM events WHERE seq > ?');
    this.#maxSeq = db.prepare('SELECT max(seq) AS n FROM events');
    const max = (sql: string) => Number((db.prepare(sql).get() as { n: number | null }).n ?? 0);
    this.#sessionSeq = max('SELECT max(change_seq) AS n FROM sessions');
    this.#userSeq = max('SELECT max(change_seq) AS n FROM users');
    this.eventsAtOpen = max('SELECT count(*) AS n FROM events');
  }

  /**
   * Open the store at a path (see {@link openDatabase}), with a background checkpointer for
   * files.
   *
   * @param path - SQLite file path or `':memory:'`
   * @param synchronous - `'normal'` or `'full'`
   * @param onWarning - told when background checkpoints fail
   * @param checkpoint - run the background checkpointer (only the connection that writes does)
   * @returns the store
   * @throws CollectorError `storage` when the file cannot be opened
   */
  static open(path: string, synchronous: 'normal' | 'full', onWarning: (message: string) => void = () => {}, checkpoint = true): EventStore {
    const db = openDatabase(path, synchronous);
    const checkpointer = path === ':memory:' || !checkpoint ? null : startCheckpointer(path, synchronous, 1000, onWarning);
    return new EventStore(db, checkpointer);
  }

  /**
   * Write rows and heartbeats in ONE transaction: all of them are stored or none.
   * Rows whose key is already stored are skipped (dedupe) and do not count in sessions.
   *
   * @param rows - rows of one or more requests
   * @param touches - heartbeats
   * @param nowMs - server time, stamped as the modification time of sessions and users
   * @returns a flag per row: `true` when it was stored now, `false` for a duplicate
   * @throws the SQLite error (the transaction is rolled back)
   */
  write(rows: EventRow[], touches: SessionTouch[], nowMs: number): boolean[] {
    this.db.exec('BEGIN');
    try {
      // Read inside the transaction: no other connection can number rows until it ends.
      this.#lastSeq = Number((this.#maxSeq.get([]) as { n: number | null }).n ?? 0);
      const fresh = this.#insert(rows);
      const added = rows.filter((_, i) => fresh[i]);
      const { sessions, users } = rollup(added, touches);
      this.#writeSessions(sessions, nowMs);
      this.#writeUsers(users, nowMs);
      this.db.exec('COMMIT');
      return fresh;
    } catch (err) {
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
      throw err;
    }
  }

  #insert(rows: EventRow[]): boolean[] {
    const stored = new Set<string>();
    for (let start = 0; start < rows.length; start += CHUNK) {
      const chunk = rows.slice(start, start + CHUNK);
      const params: unknown[] = [];
      for (const r of chunk) {
        params.push(r.key, r.messageId, r.type, r.name, r.anonymousId, r.userId, r.sessionId, r.clientMs, r.eventMs, r.receivedMs, r.source, r.flags.length ? r.flags.join(',') : null, r.raw);
      }
      const before = this.#lastSeq;
      const { changes } = this.#insertEvents(chunk.length).run(params) as { changes: number };
      if (changes === 0) continue;
      if (changes === chunk.length) {
        // Every row is new (the usual case): no need to ask which.
        for (const r of chunk) stored.add(r.key);
        this.#lastSeq += changes;
        continue;
      }
      // Some were duplicates: the new rows are the ones numbered after `before`. (RETURNING
      // would tell, but reading its rows back cost 20% of every write, measured: 5.6 against
      // 4.5 µs per row, for the rare request that carries a duplicate.)
      for (const row of this.#freshSince.all([before]) as Array<{ key: string; seq: number }>) {
        stored.add(row.key);
        this.#lastSeq = Math.max(this.#lastSeq, row.seq);
      }
    }
    // Each key stored now counts once; a second copy in the same request is a duplicate.
    return rows.map((row) => stored.delete(row.key));
  }

  #writeSessions(sessions: SessionDelta[], nowMs: number): void {
    // Each delta has its own key, so ending sessions first and upserting after does what
    // ending and upserting one session at a time did.
    for (const s of sessions) if (s.restartAtMs !== null) this.#endSession.run([s.source, s.sessionKey, s.restartAtMs]);
    runChunked(this.#upsertSessions, sessions, (s) => [s.source, s.sessionKey, s.sessionId, s.anonymousId, s.userId, s.startMs, s.endMs, s.count, nowMs, ++this.#sessionSeq]);
  }

  #writeUsers(users: UserDelta[], nowMs: number): void {
    runChunked(this.#upsertUsers, users, (u) => [u.source, u.userKey, u.anonymousId, u.userId, u.traits ? this.#mergedTraits(u) : null, u.firstMs, u.lastMs, u.count, nowMs, ++this.#userSeq]);
  }

  /**
   * A user's stored traits with the commit's merged over them, shallowly, later calls winning
   * and `null` kept: the rule within one commit and ClickHouse's. (SQLite's `json_patch`
   * merged nested objects and deleted keys set to `null`, so the same calls stored other
   * traits when group commit split them differently.)
   */
  #mergedTraits(user: UserDelta): string {
    const stored = (this.#userTraits.get([user.source, user.userKey]) as { traits: string | null } | undefined)?.traits;
    // A null-prototype target, as in the rollup: a `__proto__` key stays a plain key.
    return JSON.stringify(stored ? Object.assign(Object.create(null), JSON.parse(stored), user.traits) : user.traits);
  }

  /**
   * Stop the checkpointer and close the file (which checkpoints the WAL). Safe to call twice.
   *
   * @returns a promise that resolves once the file is closed
   */
  async close(): Promise<void> {
    await this.#checkpointer?.stop();
    if (this.db.open) this.db.close();
  }
}
