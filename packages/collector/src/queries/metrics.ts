import type { Db } from '../store/schema.js';
import { bucketSql, personOfRange, personSql, type RangeQuery } from './range.js';

/** One bucket of `/v1/metrics`: its first day and a count per event name (see {@link metricsKey}). */
export type MetricsRow = { date: string } & Record<string, number | string>;

/**
 * The key an event name's count goes under in a `/v1/metrics` row. The row's `date` is its
 * bucket, so an event named `date` would overwrite it (every client would then read a count
 * as the day): that name, and the names that would collide with its escape (`$date`,
 * `$$date`, …), get one more leading `$`. Every other name is its own key.
 *
 * @param name - the event name
 * @returns the key
 * @example metricsKey('date') // '$date'
 */
export function metricsKey(name: string): string {
  return /^\$*date$/.test(name) ? `$${name}` : name;
}

/**
 * Count events per name and bucket (`GET /v1/metrics`) in SQLite, by corrected event time, UTC.
 * Buckets without events are left out.
 *
 * @param db - the database
 * @param range - dates, bucket size and optional user filter
 * @returns `[{ date: '2025-01-01', play: 24, stop: 22 }, …]` in date order
 * @example metrics(store.db, parseRangeQuery(new URLSearchParams('start_date=2025-01-01&end_date=2025-01-31')))
 */
export function metrics(db: Db, range: RangeQuery): MetricsRow[] {
  const person = personOfRange(range);
  const { sql: where, params: ids } = person ? personSql(person) : { sql: '', params: [] };
  const params: unknown[] = [range.startMs, range.endMs, ...ids];
  const rows = db
    .prepare(
      `SELECT ${bucketSql(range.groupBy, 'event_ms')} AS date, name, count(*) AS n FROM events
       WHERE event_ms >= ? AND event_ms < ? ${where} GROUP BY date, name ORDER BY date, name`,
    )
    .all(params) as Array<{ date: string; name: string; n: number }>;
  return metricsRows(rows);
}

/**
 * Shape counts into `/v1/metrics` rows; counts of one date and name are added up (so a store
 * may count per day and label buckets afterwards).
 *
 * @param counts - `{ date, name, n }` in date order
 * @returns one row per date, names as keys
 */
export function metricsRows(counts: Array<{ date: string; name: string; n: number }>): MetricsRow[] {
  const byDate = new Map<string, Map<string, number>>();
  for (const row of counts) {
    let entries = byDate.get(row.date);
    if (!entries) byDate.set(row.date, (entries = new Map()));
    const key = metricsKey(row.name);
    entries.set(key, (entries.get(key) ?? 0) + Number(row.n));
  }
  // fromEntries defines own properties, so an event named "__proto__" stays a plain key.
  return [...byDate].map(([date, entries]) => Object.fromEntries([['date', date], ...entries]) as MetricsRow);
}
