import { ONE_DAY_MS } from '../dates.js';
import type { Db } from '../store/schema.js';
import { bucketSql, personOfRange, personSql, type RangeQuery } from './range.js';
import { pairPlays, sessionRows, type PlayStop, type SessionsRow } from './session-buckets.js';

/** The user filter of a range: the person's IDs, as events and the sessions table name them. */
function personWhere(range: RangeQuery): { sql: string; params: string[] } {
  const person = personOfRange(range);
  return person ? personSql(person) : { sql: '', params: [] };
}

/**
 * Plays and stops of the `/track` API in the range (stops up to a day after it). Only
 * events without a session ID take part (the SDK's sessions come from session IDs), so no
 * session is counted twice.
 */
function playsAndStops(db: Db, range: RangeQuery): PlayStop[] {
  const { sql: where, params: ids } = personWhere(range);
  // Stops may come after the range ends; look one day further for them.
  const params: unknown[] = [range.startMs, range.endMs + ONE_DAY_MS, ...ids];
  const rows = db
    .prepare(
      `SELECT name, coalesce(user_id, anonymous_id) AS who, event_ms AS at FROM events
       WHERE event_ms >= ? AND event_ms < ? AND name IN ('play', 'stop') AND session_id IS NULL ${where}
       ORDER BY event_ms, seq`,
    )
    .all(params) as Array<{ name: string; who: string | null; at: number }>;
  return rows.map((r) => ({ name: r.name, who: r.who, atMs: Number(r.at) }));
}

/**
 * Session statistics per bucket of the session's start (`GET /v1/sessions`) from SQLite:
 * sessions built from session IDs (first to last event), plus play/stop pairs of the
 * `/track` API.
 *
 * @param db - the database
 * @param range - dates, bucket size and optional user filter
 * @returns `[{ date, totalDuration, sessionCount, averageDuration }]` in date order
 */
export function sessionStats(db: Db, range: RangeQuery): SessionsRow[] {
  const { sql: where, params: ids } = personWhere(range);
  const params: unknown[] = [range.startMs, range.endMs, ...ids];
  const rows = db
    .prepare(
      `SELECT ${bucketSql(range.groupBy, 'started_ms')} AS date, count(*) AS n, sum(ended_ms - started_ms) AS total
       FROM sessions WHERE started_ms >= ? AND started_ms < ? ${where} GROUP BY date`,
    )
    .all(params) as Array<{ date: string; n: number; total: number }>;
  const byDate = new Map<string, { count: number; totalMs: number }>();
  for (const row of rows) byDate.set(row.date, { count: Number(row.n), totalMs: Number(row.total) });
  return sessionRows(range.groupBy, byDate, pairPlays(playsAndStops(db, range), range.endMs));
}
