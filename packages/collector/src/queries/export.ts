import { isoOf } from '../dates.js';
import { readSnapshot, type Db } from '../store/schema.js';
import { encodeCursor, invalidCursor, type ExportKind } from './cursor.js';
import type { ExportPage, ExportQuery } from './export-query.js';

interface Walk {
  kind: ExportKind;
  table: string;
  position: string;
  time: string;
}

/** Read a page ordered by a position column that only grows (rowid, change sequence). */
function page(db: Db, walk: Walk, q: ExportQuery, columns: string, extra: { sql: string; params: unknown[] }) {
  // A ClickHouse cursor (a tuple) is not a position of this store.
  if (typeof q.position !== 'number') throw invalidCursor(walk.kind);
  const position = q.position;
  return readSnapshot(db, () => pageIn(db, walk, { ...q, position }, columns, extra));
}

function pageIn(db: Db, walk: Walk, q: ExportQuery & { position: number }, columns: string, extra: { sql: string; params: unknown[] }) {
  const where = [`${walk.position} > ?`];
  const params: unknown[] = [q.position];
  if (q.startMs !== null) {
    where.push(`${walk.time} >= ?`);
    params.push(q.startMs);
  }
  if (q.endMs !== null) {
    where.push(`${walk.time} < ?`);
    params.push(q.endMs);
  }
  if (extra.sql) {
    where.push(extra.sql);
    params.push(...extra.params);
  }
  params.push(q.pageSize);
  const rows = db
    .prepare(`SELECT ${walk.position} AS position, ${columns} FROM ${walk.table} WHERE ${where.join(' AND ')} ORDER BY ${walk.position} LIMIT ?`)
    .all(params) as Array<Record<string, unknown> & { position: number }>;
  let next = rows.length ? Number(rows[rows.length - 1]!.position) : q.position;
  if (rows.length < q.pageSize) {
    // A short page has read every matching row of this snapshot; rows committed later get
    // larger positions (one writer, commits in order), so the cursor may move to the newest.
    const newest = Number((db.prepare(`SELECT max(${walk.position}) AS n FROM ${walk.table}`).get() as { n: number | null }).n ?? 0);
    next = Math.max(next, newest);
  }
  return { rows, next };
}

/**
 * A page of stored events in the order they were stored (`GET /v1/export/events`); the time
 * window applies to the corrected event time.
 *
 * @param db - the database
 * @param q - the parsed query
 * @returns items and the next cursor
 */
export function exportEvents(db: Db, q: ExportQuery): ExportPage<Record<string, unknown>> {
  const names = q.names ? { sql: `name IN (${q.names.map(() => '?').join(', ')})`, params: q.names } : { sql: '', params: [] };
  const { rows, next } = page(
    db,
    { kind: 'events', table: 'events', position: 'seq', time: 'event_ms' },
    q,
    'message_id, type, name, anonymous_id, user_id, session_id, client_ms, event_ms, received_ms, source, flags, raw',
    names,
  );
  const items = rows.map((r) => ({
    id: Number(r.position),
    messageId: r.message_id,
    type: r.type,
    name: r.name,
    anonymousId: r.anonymous_id,
    userId: r.user_id,
    sessionId: r.session_id,
    source: r.source,
    timestamp: isoOf(r.event_ms as number),
    clientTimestamp: isoOf(r.client_ms as number),
    receivedAt: isoOf(r.received_ms as number),
    flags: r.flags ? String(r.flags).split(',') : [],
    event: JSON.parse(String(r.raw)) as unknown,
  }));
  return { items, nextCursor: encodeCursor('events', next) };
}

/**
 * A page of sessions in the order they last changed (`GET /v1/export/sessions`); the time
 * window applies to the session's close time (its last event). A session that changes after
 * it was read comes again with its new state.
 *
 * @param db - the database
 * @param q - the parsed query
 * @returns items and the next cursor
 */
export function exportSessions(db: Db, q: ExportQuery): ExportPage<Record<string, unknown>> {
  const { rows, next } = page(
    db,
    { kind: 'sessions', table: 'sessions', position: 'change_seq', time: 'ended_ms' },
    q,
    'source, session_id, anonymous_id, user_id, started_ms, ended_ms, event_count',
    { sql: '', params: [] },
  );
  const items = rows.map((r) => ({
    source: r.source,
    sessionId: r.session_id,
    anonymousId: r.anonymous_id,
    userId: r.user_id,
    start: isoOf(r.started_ms as number),
    end: isoOf(r.ended_ms as number),
    duration: Math.round((Number(r.ended_ms) - Number(r.started_ms)) / 1000),
    eventCount: Number(r.event_count),
  }));
  return { items, nextCursor: encodeCursor('sessions', next) };
}

/**
 * A page of users (visitors) in the order they last changed (`GET /v1/export/users`); the
 * time window applies to the last modification.
 *
 * @param db - the database
 * @param q - the parsed query
 * @returns items and the next cursor
 */
export function exportUsers(db: Db, q: ExportQuery): ExportPage<Record<string, unknown>> {
  const { rows, next } = page(
    db,
    { kind: 'users', table: 'users', position: 'change_seq', time: 'modified_ms' },
    q,
    'source, anonymous_id, user_id, traits, first_seen_ms, last_seen_ms, event_count, modified_ms',
    { sql: '', params: [] },
  );
  const items = rows.map((r) => ({
    source: r.source,
    anonymousId: r.anonymous_id,
    userId: r.user_id,
    traits: r.traits ? (JSON.parse(String(r.traits)) as unknown) : {},
    firstSeen: isoOf(r.first_seen_ms as number),
    lastSeen: isoOf(r.last_seen_ms as number),
    modifiedAt: isoOf(r.modified_ms as number),
    eventCount: Number(r.event_count),
  }));
  return { items, nextCursor: encodeCursor('users', next) };
}
