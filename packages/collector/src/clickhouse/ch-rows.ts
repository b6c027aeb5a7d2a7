import { sessionKeyOf } from '../store/rollup.js';
import type { EventRow, SessionTouch } from '../store/row.js';

/** One row of the `events` table as inserted. */
export interface ChEventRow {
  source: string;
  day: string;
  key: string;
  ord: number;
  ver: number;
  sess_ord: number;
  user_ord: number;
  message_id: string;
  type: string;
  name: string;
  anonymous_id: string;
  user_id: string;
  session_id: string;
  session_key: string;
  user_key: string;
  client_ms: number;
  event_ms: number;
  received_ms: number;
  flags: string;
  raw: string;
  traits: string;
  starts_session: number;
}

/** The columns of an `events` insert, in the order its TabSeparated lines give them. */
export const EVENT_COLUMNS = [
  'source', 'day', 'key', 'ord', 'ver', 'sess_ord', 'user_ord', 'message_id', 'type', 'name', 'anonymous_id', 'user_id',
  'session_id', 'session_key', 'user_key', 'client_ms', 'event_ms', 'received_ms', 'flags', 'raw', 'traits', 'starts_session',
] as const satisfies ReadonlyArray<keyof ChEventRow>;

/** One row of the `heartbeats` table as inserted. */
export interface ChTouchRow {
  source: string;
  day: string;
  session_key: string;
  session_id: string;
  anonymous_id: string;
  user_id: string;
  at_ms: number;
  ord: number;
}

/** The columns of a `heartbeats` insert, in the order its TabSeparated lines give them. */
export const TOUCH_COLUMNS = ['source', 'day', 'session_key', 'session_id', 'anonymous_id', 'user_id', 'at_ms', 'ord'] as const satisfies ReadonlyArray<keyof ChTouchRow>;

/**
 * `ver` of a row: falls as `ord` grows, so ReplacingMergeTree keeps the earliest copy.
 * 9e15 stays below 2^53 (JSON numbers stay exact) and above every `ord` (µs) until the year 2255.
 */
const VER_TOP = 9_000_000_000_000_000;

/**
 * The `ver` of a row inserted at `ord`.
 *
 * @param ord - insert position
 * @returns the version ReplacingMergeTree compares (the highest is kept)
 */
export const verOf = (ord: number): number => VER_TOP - ord;

/** Days ClickHouse's `Date` holds (16 bits of days since 1970; 2100 leaves a margin). */
const FIRST_DAY = 0;
const LAST_DAY = Math.floor(Date.UTC(2100, 11, 31) / 86_400_000);

/**
 * The UTC day of a time, as ClickHouse reads a `Date` from text. A client clock before 1970
 * or after 2100 (valid for the collector, which keeps any time a JavaScript `Date` holds)
 * maps to the first or last day: the same time always maps to the same day, so the sort key
 * still dedupes, and no row is one the server cannot parse (which would fail its whole insert).
 *
 * @param ms - ms since the epoch
 * @returns `YYYY-MM-DD`
 */
export function dayOf(ms: number): string {
  const day = Math.min(LAST_DAY, Math.max(FIRST_DAY, Math.floor(ms / 86_400_000)));
  let text = DAYS.get(day);
  if (text === undefined) {
    // Rows of one insert share a few days: format each once (a Date per row shows in profiles).
    if (DAYS.size > 1000) DAYS.clear();
    DAYS.set(day, (text = new Date(day * 86_400_000).toISOString().slice(0, 10)));
  }
  return text;
}

const DAYS = new Map<number, string>();

/**
 * Insert order of one collector: microseconds of the wall clock, strictly increasing within
 * the process (two rows never share one). Export cursors walk by it.
 */
export class OrderClock {
  #last = 0;

  /** @returns the next position */
  next(): number {
    this.#last = Math.max(Math.floor((performance.timeOrigin + performance.now()) * 1000), this.#last + 1);
    return this.#last;
  }
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const LONE_SURROGATES = new RegExp(LONE_SURROGATE.source, 'g');

/**
 * Text as ClickHouse stores it: a lone UTF-16 surrogate (valid in a JS string and in JSON's
 * `\ud800` escape) has no UTF-8 form, so it becomes U+FFFD, as it does when SQLite stores it.
 * Rows and the literals of lookups (`quote` in sql.ts) both go through this, so a key reads back
 * as the text it is looked up by. (In a JSON insert, a lone surrogate refused the whole block.)
 *
 * @param text - any string
 * @returns well-formed UTF-16
 */
export const wellFormed = (text: string): string => (LONE_SURROGATE.test(text) ? text.replace(LONE_SURROGATES, '\ufffd') : text);

/**
 * Map a stored row to its ClickHouse row. The sort key's day is the client timestamp's (as
 * sent, so a retry maps to the same day); `event_ms` is skew-corrected and may differ.
 *
 * @param row - the normalized row
 * @param ord - its insert position
 * @returns the table row
 */
export function toChRow(row: EventRow, ord: number): ChEventRow {
  return {
    source: wellFormed(row.source),
    day: dayOf(row.clientMs),
    key: wellFormed(row.key),
    ord,
    ver: verOf(ord),
    sess_ord: ord,
    user_ord: ord,
    message_id: wellFormed(row.messageId),
    type: wellFormed(row.type),
    name: wellFormed(row.name),
    anonymous_id: wellFormed(row.anonymousId ?? ''),
    user_id: wellFormed(row.userId ?? ''),
    session_id: wellFormed(row.sessionId ?? ''),
    session_key: row.sessionId === null ? '' : wellFormed(sessionKeyOf(row.anonymousId, row.userId, row.sessionId)),
    user_key: wellFormed(row.anonymousId ?? (row.userId === null ? '' : `user:${row.userId}`)),
    client_ms: row.clientMs,
    event_ms: row.eventMs,
    received_ms: row.receivedMs,
    flags: row.flags.join(','),
    // JSON text that came as UTF-8 or from JSON.stringify: a lone surrogate in it can only be
    // the escape `\\ud800`.
    raw: row.raw,
    traits: row.traits ? wellFormed(JSON.stringify(row.traits)) : '',
    starts_session: row.startsSession ? 1 : 0,
  };
}

/**
 * Map a heartbeat to its `heartbeats` row.
 *
 * @param touch - the heartbeat
 * @param ord - its insert position
 * @returns the table row
 */
export function toChTouch(touch: SessionTouch, ord: number): ChTouchRow {
  return {
    source: wellFormed(touch.source),
    day: dayOf(touch.atMs),
    session_key: wellFormed(sessionKeyOf(touch.anonymousId, touch.userId, touch.sessionId)),
    session_id: wellFormed(touch.sessionId),
    anonymous_id: wellFormed(touch.anonymousId ?? ''),
    user_id: wellFormed(touch.userId ?? ''),
    at_ms: touch.atMs,
    ord,
  };
}

/**
 * An absent ID reads back as `null` (the tables store absent IDs as empty strings).
 *
 * @param value - a column value
 * @returns the value, or null for ''
 */
export const orNull = (value: string): string | null => (value === '' ? null : value);
