import { bucketOf, type GroupBy } from './range.js';

/** One bucket of `/v1/sessions`; durations in seconds. */
export interface SessionsRow {
  date: string;
  totalDuration: number;
  sessionCount: number;
  averageDuration: number;
}

/** A `play` or `stop` of the `/track` API, as the sessions query reads them. */
export interface PlayStop {
  name: string;
  /** User ID, else anonymous ID. */
  who: string | null;
  atMs: number;
}

/** A session with a start and a length. */
export interface TimedSession {
  startMs: number;
  durationMs: number;
}

/**
 * Play/stop sessions of the `/track` API: each `stop` closes the most recent open `play` of
 * the same user. A stop without a play, or a play without a stop, makes no session. Both
 * stores call this, so the pairing rule has one home.
 *
 * @param events - plays and stops in time order (ties in store order)
 * @param endMs - sessions starting at or after this are left out (stops are read past the range)
 * @returns the sessions
 */
export function pairPlays(events: PlayStop[], endMs: number): TimedSession[] {
  const open = new Map<string, number[]>();
  const sessions: TimedSession[] = [];
  for (const event of events) {
    const who = event.who ?? '';
    const plays = open.get(who) ?? [];
    open.set(who, plays);
    if (event.name === 'play') plays.push(event.atMs);
    else {
      const startMs = plays.pop();
      if (startMs !== undefined && startMs < endMs) sessions.push({ startMs, durationMs: event.atMs - startMs });
    }
  }
  return sessions;
}

/**
 * Sum sessions into the buckets of `/v1/sessions`, in date order.
 *
 * @param groupBy - bucket size
 * @param buckets - counts and total ms already summed per bucket label (SQLite sums in SQL)
 * @param sessions - more sessions to add one by one
 * @returns the rows
 */
export function sessionRows(groupBy: GroupBy, buckets: Map<string, { count: number; totalMs: number }>, sessions: TimedSession[]): SessionsRow[] {
  for (const session of sessions) {
    const date = bucketOf(groupBy, session.startMs);
    const bucket = buckets.get(date) ?? { count: 0, totalMs: 0 };
    bucket.count += 1;
    bucket.totalMs += session.durationMs;
    buckets.set(date, bucket);
  }
  return [...buckets]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([date, { count, totalMs }]) => {
      const totalDuration = Math.round(totalMs / 1000);
      return { date, totalDuration, sessionCount: count, averageDuration: Math.round(totalDuration / count) };
    });
}
