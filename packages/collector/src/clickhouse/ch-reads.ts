import { ONE_DAY_MS } from '../dates.js';
import { metricsRows, type MetricsRow } from '../queries/metrics.js';
import { bucketOf, isPersons, personOfRange, type RangeQuery } from '../queries/range.js';
import { pairPlays, sessionRows, type SessionsRow } from '../queries/session-buckets.js';
import { dayOf, wellFormed } from './ch-rows.js';
import type { NodePool } from './node-pool.js';
import { overlapping, sessionAggregates, sessionsOf } from './ch-sessions.js';
import { dayNumber, int, quote, quoteList } from './sql.js';

/** The person filter of a range (see `personSql`), as escaped literals. */
function userFilter(range: RangeQuery, userColumn = 'user_id', anonymousColumn = 'anonymous_id'): string {
  const person = personOfRange(range);
  if (person === null) return '';
  const anonymous = person.anonymousIds.length ? ` OR (${userColumn} = '' AND ${anonymousColumn} IN ${quoteList(person.anonymousIds)})` : '';
  return `AND (${userColumn} IN ${quoteList(person.userIds)}${anonymous})`;
}

/**
 * `/v1/metrics` from ClickHouse: counts per UTC day and name over the deduplicated events
 * (FINAL), folded into weeks or months here with the same bucket rule as SQLite's.
 *
 * @param pool - the nodes
 * @param database - the database
 * @param range - the parsed range
 * @returns the rows in date order
 */
export async function chMetrics(pool: NodePool, database: string, range: RangeQuery): Promise<MetricsRow[]> {
  const rows = await pool.rows<{ d: string; name: string; n: string }>(
    `SELECT ${dayNumber('event_ms')} AS d, name, count() AS n FROM ${database}.events FINAL
     WHERE event_ms >= ${int(range.startMs)} AND event_ms < ${int(range.endMs)} ${userFilter(range)}
     GROUP BY d, name`,
  );
  const counts = rows.map((r) => ({ date: bucketOf(range.groupBy, Number(r.d) * ONE_DAY_MS), name: r.name, n: Number(r.n) }));
  counts.sort((a, b) => (a.date === b.date ? (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) : a.date < b.date ? -1 : 1));
  return metricsRows(counts);
}

/**
 * `/v1/sessions` from ClickHouse: sessions computed from events and heartbeats at query time
 * (see {@link sessionsOf}), plus the `/track` API's play/stop pairs.
 *
 * @param pool - the nodes
 * @param database - the database
 * @param range - the parsed range
 * @returns the rows in date order
 */
export async function chSessionStats(pool: NodePool, database: string, range: RangeQuery): Promise<SessionsRow[]> {
  const user = userFilter(range, 'uid', 'aid');
  const person = personOfRange(range);
  // Keys holding one session are summed per UTC day in SQL; only the few a Nucleus `init`
  // split into several are built one by one.
  const days = await pool.rows<{ d: string; n: string; total: string }>(
    `SELECT ${dayNumber('first_at')} AS d, count() AS n, sum(last_at - first_at) AS total
     FROM (${sessionAggregates(database, ['split = 0', `first_at >= ${int(range.startMs)}`, `first_at < ${int(range.endMs)}`])})
     WHERE 1 ${user} GROUP BY d`,
  );
  const buckets = new Map<string, { count: number; totalMs: number }>();
  for (const day of days) {
    const date = bucketOf(range.groupBy, Number(day.d) * ONE_DAY_MS);
    const bucket = buckets.get(date) ?? { count: 0, totalMs: 0 };
    bucket.count += Number(day.n);
    bucket.totalMs += Number(day.total);
    buckets.set(date, bucket);
  }
  const split = (await sessionsOf(pool, database, ['split = 1', ...overlapping(range.startMs, range.endMs)])).filter(
    (s) => s.startMs >= range.startMs && s.startMs < range.endMs && (person === null || isPersons(person, s.userId, s.anonymousId)),
  );
  const timed = split.map((s) => ({ startMs: s.startMs, durationMs: s.endMs - s.startMs }));
  // Stops may come after the range ends; look one day further for them.
  const plays = await pool.rows<{ name: string; who: string; at: string }>(
    `SELECT name, if(user_id != '', user_id, anonymous_id) AS who, event_ms AS at FROM ${database}.events FINAL
     WHERE event_ms >= ${int(range.startMs)} AND event_ms < ${int(range.endMs + ONE_DAY_MS)} AND name IN ('play', 'stop') AND session_id = '' ${userFilter(range)}
     ORDER BY event_ms, ord`,
  );
  const paired = pairPlays(plays.map((p) => ({ name: p.name, who: p.who, atMs: Number(p.at) })), range.endMs);
  return sessionRows(range.groupBy, buckets, [...timed, ...paired]);
}

/** Days back (by client timestamp) that delivery receipts look. */
const RECEIPT_DAYS = 31;

/**
 * Delivery receipts from ClickHouse: which keys are stored under this source, among events
 * of the last 31 days (client time). Best-effort across replicas: a replica that has not fetched a part yet does not name its keys (the
 * client then sends them again, and the table keeps one copy).
 *
 * @param pool - the nodes
 * @param database - the database
 * @param source - the caller's write key or app ID
 * @param ids - message IDs
 * @returns the stored ones, in the order asked, each once
 */
export async function chStoredIds(pool: NodePool, database: string, source: string, ids: string[]): Promise<string[]> {
  if (!ids.length) return [];
  const unique = [...new Set(ids)];
  // The question names no times: look in the recent days only (by client day), where the
  // events a client is unsure about are; an older one answers "not stored", is sent again,
  // and is counted once by the queries.
  const since = dayOf(Date.now() - RECEIPT_DAYS * ONE_DAY_MS);
  const rows = await pool.rowsAmongKeys<{ key: string }>(
    `SELECT DISTINCT key FROM ${database}.event_keys WHERE source = ${quote(source)} AND day >= ${quote(since)} AND key IN lookup_keys`,
    unique.map(wellFormed),
  );
  const found = new Set(rows.map((r) => r.key));
  return unique.filter((id) => found.has(id));
}

/**
 * Events stored, each counted once.
 *
 * @param pool - the nodes
 * @param database - the database
 * @returns the count
 */
export async function chCountEvents(pool: NodePool, database: string): Promise<number> {
  const [row] = await pool.rows<{ n: string }>(`SELECT count() AS n FROM ${database}.events FINAL`);
  return Number(row?.n ?? 0);
}
