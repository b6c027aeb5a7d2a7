import { isoOf } from '../dates.js';
import { encodeCursor, invalidCursor, type CursorPosition, type ExportKind } from '../queries/cursor.js';
import type { ExportPage, ExportQuery } from '../queries/export-query.js';
import type { NodePool } from './node-pool.js';
import { orNull } from './ch-rows.js';
import { sessionsOf } from './ch-sessions.js';
import { after, int, quoteList } from './sql.js';

type Position = readonly [number, string, string];
type Page = ExportPage<Record<string, unknown>>;

/** Where an export reads: its database and the newest position it may hand out. */
export interface ExportScope {
  pool: NodePool;
  database: string;
  /**
   * Highest `ord` a page may hold (rows settle first), or `null` for no limit. See
   * `exportSettleMs` of the options and docs/clickhouse.md for the guarantee.
   */
  settledOrd: number | null;
}

function positionOf(kind: ExportKind, position: CursorPosition): Position {
  if (position === 0) return [0, '', ''];
  if (typeof position === 'number') throw invalidCursor(kind);
  return position;
}

const compare = (a: Position, b: Position) => (a[0] !== b[0] ? a[0] - b[0] : a[1] !== b[1] ? (a[1] < b[1] ? -1 : 1) : a[2] < b[2] ? -1 : a[2] > b[2] ? 1 : 0);

/** The next cursor: the last row's position, or the same one after an empty page. */
function nextCursor(kind: ExportKind, from: Position, positions: Position[]): string {
  const last = positions[positions.length - 1] ?? from;
  return encodeCursor(kind, last[0] === 0 && last[1] === '' && last[2] === '' ? 0 : last);
}

async function exportEvents(scope: ExportScope, q: ExportQuery): Promise<Page> {
  const from = positionOf('events', q.position);
  const where = [after(['ord', 'source', 'key'], from)];
  if (scope.settledOrd !== null) where.push(`ord <= ${int(scope.settledOrd)}`);
  if (q.startMs !== null) where.push(`event_ms >= ${int(q.startMs)}`);
  if (q.endMs !== null) where.push(`event_ms < ${int(q.endMs)}`);
  if (q.names) where.push(`name IN ${quoteList(q.names)}`);
  const rows = await scope.pool.rows<Record<string, string>>(
    `SELECT ord, source, key, message_id, type, name, anonymous_id, user_id, session_id, client_ms, event_ms, received_ms, flags, raw
     FROM ${scope.database}.events FINAL WHERE ${where.join(' AND ')} ORDER BY ord, source, key LIMIT ${int(q.pageSize)}`,
  );
  const items = rows.map((r) => ({
    id: Number(r.ord),
    messageId: r.message_id,
    type: r.type,
    name: r.name,
    anonymousId: orNull(r.anonymous_id!),
    userId: orNull(r.user_id!),
    sessionId: orNull(r.session_id!),
    source: r.source,
    timestamp: isoOf(Number(r.event_ms)),
    clientTimestamp: isoOf(Number(r.client_ms)),
    receivedAt: isoOf(Number(r.received_ms)),
    flags: r.flags ? r.flags.split(',') : [],
    event: JSON.parse(r.raw!) as unknown,
  }));
  return { items, nextCursor: nextCursor('events', from, rows.map((r) => [Number(r.ord), r.source!, r.key!] as const)) };
}

async function exportSessions(scope: ExportScope, q: ExportQuery): Promise<Page> {
  const from = positionOf('sessions', q.position);
  const having: string[] = [];
  if (scope.settledOrd !== null) having.push(`last_ord <= ${int(scope.settledOrd)}`);
  if (q.startMs !== null) having.push(`last_at >= ${int(q.startMs)}`);
  if (q.endMs !== null) having.push(`last_at < ${int(q.endMs)}`);
  // Keys holding one session are paged in SQL; keys a Nucleus `init` split are built here
  // and merged in (each of their sessions has its own position).
  const [whole, split] = await Promise.all([
    sessionsOf(scope.pool, scope.database, ['split = 0', after(['last_ord', 'source', 'session_key'], from), ...having], `ORDER BY last_ord, source, session_key LIMIT ${int(q.pageSize)}`),
    sessionsOf(scope.pool, scope.database, ['split = 1', `last_ord >= ${int(from[0])}`]),
  ]);
  const sessions = [...whole, ...split]
    .filter((s) => compare([s.ord, s.source, s.sessionKey], from) > 0)
    .filter((s) => (scope.settledOrd === null || s.ord <= scope.settledOrd) && (q.startMs === null || s.endMs >= q.startMs) && (q.endMs === null || s.endMs < q.endMs))
    .sort((a, b) => compare([a.ord, a.source, a.sessionKey], [b.ord, b.source, b.sessionKey]))
    .slice(0, q.pageSize);
  const items = sessions.map((s) => ({
    source: s.source,
    sessionId: s.sessionId,
    anonymousId: s.anonymousId,
    userId: s.userId,
    start: isoOf(s.startMs),
    end: isoOf(s.endMs),
    duration: Math.round((s.endMs - s.startMs) / 1000),
    eventCount: s.count,
  }));
  return { items, nextCursor: nextCursor('sessions', from, sessions.map((s) => [s.ord, s.source, s.sessionKey] as const)) };
}

async function exportUsers(scope: ExportScope, q: ExportQuery): Promise<Page> {
  const from = positionOf('users', q.position);
  const having = [after(['last_ord', 'source', 'user_key'], from)];
  if (scope.settledOrd !== null) having.push(`last_ord <= ${int(scope.settledOrd)}`);
  // The window applies to the last modification, as in SQLite (ord is in µs).
  if (q.startMs !== null) having.push(`last_change >= ${int(q.startMs * 1000)}`);
  if (q.endMs !== null) having.push(`last_change < ${int(q.endMs * 1000)}`);
  const rows = await scope.pool.rows<{ source: string; user_key: string; aid: string; uid: string; first: string; last: string; cnt: string; last_ord: string; last_change: string; trait_calls: Array<[string, string]> }>(
    `SELECT source, user_key, any(anonymous_id) AS aid, argMaxIf(user_id, ord, user_id != '') AS uid, min(event_ms) AS first, max(event_ms) AS last,
       count() AS cnt, max(user_ord) AS last_ord, max(ord) AS last_change, arraySort(groupArrayIf((ord, traits), traits != '')) AS trait_calls
     FROM ${scope.database}.events FINAL WHERE user_key != '' GROUP BY source, user_key
     HAVING ${having.join(' AND ')} ORDER BY last_ord, source, user_key LIMIT ${int(q.pageSize)}`,
  );
  const items = rows.map((r) => ({
    source: r.source,
    anonymousId: orNull(r.aid),
    userId: orNull(r.uid),
    // Later calls win, key by key; a null-prototype target keeps a `__proto__` key a plain key.
    traits: r.trait_calls.reduce((merged, [, json]) => Object.assign(merged, JSON.parse(json) as object), Object.create(null) as object),
    firstSeen: isoOf(Number(r.first)),
    lastSeen: isoOf(Number(r.last)),
    modifiedAt: isoOf(Math.floor(Number(r.last_change) / 1000)),
    eventCount: Number(r.cnt),
  }));
  return { items, nextCursor: nextCursor('users', from, rows.map((r) => [Number(r.last_ord), r.source, r.user_key] as const)) };
}

/**
 * A page of `/v1/export/{events,sessions,users}` from ClickHouse. Rows are walked by
 * `(ord, source, key)`: `ord` is the insert position the writing collector gave the row,
 * and the table keeps the earliest copy of a re-sent event, so a row's position never
 * changes once it is readable; pages hold only settled rows, so none with a smaller position
 * can appear behind the cursor. Sessions and users are computed from the events, and come
 * again, with their new state, when they change.
 *
 * @param scope - nodes, database, settle limit
 * @param kind - what to export
 * @param q - the parsed query
 * @returns the page and the next cursor
 * @throws HttpError 400 for a SQLite cursor
 */
export function chExportPage(scope: ExportScope, kind: ExportKind, q: ExportQuery): Promise<Page> {
  if (kind === 'events') return exportEvents(scope, q);
  return kind === 'sessions' ? exportSessions(scope, q) : exportUsers(scope, q);
}
