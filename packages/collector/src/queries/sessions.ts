import { ONE_DAY_MS } from '../dates.js';
import type { Db } from '../store/schema.js';
import { bucketOf, bucketSql, type RangeQuery } from './range.js';

/** One bucket of `/v1/sessions`; durations in seconds. */
export interface SessionsRow {
  date: string;
  totalDuration: number;
  sessionCount: number;
  averageDuration: number;
}

/**
 * Play/stop sessions of the `/track` API: each `stop` closes the most recent open `play` of
 * the same user. Only events without a session ID take part (the SDK's sessions come from
 * session IDs), so no session is counted twice. A stop without a play, or a play without a
 * stop, makes no session.
 */
function playSessions(db: Db, range: RangeQuery): Array<{ startMs: number; durationMs: number }> {
  const where = range.userId === null ? '' : 'AND user_id = ?';
  // Stops may come after the range ends; look one day further for them.
  const params: unknown[] = [range.startMs, range.endMs + ONE_DAY_MS];
  if (range.userId !== null) params.push(range.userId);
  const events = db
    .prepare(
      `SELECT name, coalesce(user_id, anonymous_id) AS who, event_ms AS at FROM events
       WHERE event_ms >= ? AND event_ms < ? AND name IN ('play', 'stop') AND session_id IS NULL ${where}
       ORDER BY event_ms, seq`,
    )
    .all(params) as Array<{ name: string; who: string | null; at: number }>;
  const open = new Map<string, number[]>();
  const sessions: Array<{ startMs: number; durationMs: number }> = [];
  for (const event of events) {
    const who = event.who ?? '';
    const plays = open.get(who) ?? [];
    open.set(who, plays);
    if (event.name === 'play') plays.push(Number(event.at));
    else {
      const startMs = plays.pop();
      if (startMs !== undefined && startMs < range.endMs) sessions.push({ startMs, durationMs: Number(event.at) - startMs });
    }
  }
  return sessions;
}

/**
 * Session statistics per bucket of the session's start (`GET /v1/sessions`): sessions built
 * from session IDs (first to last event), plus play/stop pairs of the `/track` API.
 *
 * @param db - the database
 * @param range - dates, bucket size and optional user filter
 * @returns `[{ date, totalDuration, sessionCount, averageDuration }]` in date order
 */
export function sessionStats(db: Db, range: RangeQuery): SessionsRow[] {
  const where = range.userId === null ? '' : 'AND user_id = ?';
  const params: unknown[] = [range.startMs, range.endMs];
  if (range.userId !== null) params.push(range.userId);
  const rows = db
    .prepare(
      `SELECT ${bucketSql(range.groupBy, 'started_ms')} AS date, count(*) AS n, sum(ended_ms - started_ms) AS total
       FROM sessions WHERE started_ms >= ? AND started_ms < ? ${where} GROUP BY date`,
    )
    .all(params) as Array<{ date: string; n: number; total: number }>;
  const byDate = new Map<string, { count: number; totalMs: number }>();
  for (const row of rows) byDate.set(row.date, { count: Number(row.n), totalMs: Number(row.total) });
  for (const session of playSessions(db, range)) {
    const date = bucketOf(range.groupBy, session.startMs);
    const bucket = byDate.get(date) ?? { count: 0, totalMs: 0 };
    bucket.count += 1;
    bucket.totalMs += session.durationMs;
    byDate.set(date, bucket);
  }
  return [...byDate]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([date, { count, totalMs }]) => {
      const totalDuration = Math.round(totalMs / 1000);
      return { date, totalDuration, sessionCount: count, averageDuration: Math.round(totalDuration / count) };
    });
}
