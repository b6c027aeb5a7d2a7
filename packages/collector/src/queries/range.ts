import { ONE_DAY_MS, parseDay } from '../dates.js';
import { HttpError } from '../http/reply.js';
import type { PersonIds } from '../insights/identity-graph.js';

/** How the query routes bucket time (UTC). */
export type GroupBy = 'day' | 'week' | 'month';

/** The shared parameters of `/v1/metrics` and `/v1/sessions`. */
export interface RangeQuery {
  /** UTC midnight of `start_date`, ms. */
  startMs: number;
  /** UTC midnight after `end_date` (the end date is included), ms. */
  endMs: number;
  groupBy: GroupBy;
  userId: string | null;
  /**
   * Every ID the identity graph joins to `userId`, filled in by the route: a query by user
   * counts the anonymous IDs and devices linked to it too. Null: the user ID alone.
   */
  person?: PersonIds | null;
}

/**
 * Who a range is about: the graph's IDs of its user, the user ID alone when the graph was not
 * asked, or null (everyone).
 *
 * @param range - the parsed range
 * @returns the IDs, or null
 */
export function personOfRange(range: RangeQuery): PersonIds | null {
  if (range.userId === null) return null;
  return range.person ?? { userIds: [range.userId], anonymousIds: [] };
}

/**
 * SQLite condition of a person: an event (or session) with one of their user IDs, or without a
 * user ID under one of their anonymous IDs (the identity graph's rule of whose an event is).
 *
 * @param person - the IDs (at least one user ID)
 * @param userColumn - the user ID column (trusted)
 * @param anonymousColumn - the anonymous ID column (trusted)
 * @returns `AND (…)` and its parameters
 */
export function personSql(person: PersonIds, userColumn = 'user_id', anonymousColumn = 'anonymous_id'): { sql: string; params: string[] } {
  const marks = (ids: string[]) => ids.map(() => '?').join(', ');
  const anonymous = person.anonymousIds.length ? ` OR (${userColumn} IS NULL AND ${anonymousColumn} IN (${marks(person.anonymousIds)}))` : '';
  return { sql: `AND (${userColumn} IN (${marks(person.userIds)})${anonymous})`, params: [...person.userIds, ...person.anonymousIds] };
}

/**
 * The same rule in code, for rows a store filters itself.
 *
 * @param person - the IDs
 * @param userId - the row's user ID
 * @param anonymousId - the row's anonymous ID
 * @returns whether the row is the person's
 */
export function isPersons(person: PersonIds, userId: string | null, anonymousId: string | null): boolean {
  return userId !== null ? person.userIds.includes(userId) : anonymousId !== null && person.anonymousIds.includes(anonymousId);
}

/** A UTC day range: `start_date` to `end_date`, both included. */
export interface DateRange {
  /** UTC midnight of `start_date`, ms. */
  startMs: number;
  /** UTC midnight after `end_date`, ms. */
  endMs: number;
}

/**
 * Read `start_date` and `end_date` (both `YYYY-MM-DD`, both required, end included) with
 * the `/track` API's messages: the date rules every query route shares.
 *
 * @param query - the query string
 * @returns the range, end exclusive
 * @throws HttpError 400 `start_date and end_date are required`, `Invalid date format. Use YYYY-MM-DD`, `end_date must not be before start_date`
 * @example parseDateRange(new URLSearchParams('start_date=2025-01-01&end_date=2025-01-31'))
 */
export function parseDateRange(query: URLSearchParams): DateRange {
  const start = query.get('start_date');
  const end = query.get('end_date');
  if (!start || !end) throw new HttpError(400, 'bad_request', 'start_date and end_date are required');
  const startMs = parseDay(start);
  const endDay = parseDay(end);
  if (startMs === null || endDay === null) throw new HttpError(400, 'bad_request', 'Invalid date format. Use YYYY-MM-DD');
  if (endDay < startMs) throw new HttpError(400, 'bad_request', 'end_date must not be before start_date');
  return { startMs, endMs: endDay + ONE_DAY_MS };
}

/**
 * Read `start_date`, `end_date` (both `YYYY-MM-DD`, both required, end included),
 * `group_by` (`day` by default, `week`, `month`) and `user_id`, with the `/track` API's
 * error messages.
 *
 * @param query - the query string
 * @returns the range
 * @throws HttpError 400 with the message the `/track` API uses
 */
export function parseRangeQuery(query: URLSearchParams): RangeQuery {
  const { startMs, endMs } = parseDateRange(query);
  const groupBy = query.get('group_by') ?? 'day';
  if (groupBy !== 'day' && groupBy !== 'week' && groupBy !== 'month') throw new HttpError(400, 'bad_request', 'group_by must be day, week or month');
  const userId = query.get('user_id');
  return { startMs, endMs, groupBy, userId: userId === null || userId === '' ? null : userId };
}

/**
 * SQL expression of the bucket label (`YYYY-MM-DD` of the bucket's first day, UTC; weeks
 * start on Monday) for a column holding ms since the epoch.
 *
 * @param groupBy - bucket size
 * @param column - column name (trusted: never from a request)
 * @returns the SQL expression
 */
export function bucketSql(groupBy: GroupBy, column: string): string {
  const seconds = `${column} / 1000, 'unixepoch'`;
  if (groupBy === 'month') return `strftime('%Y-%m-01', ${seconds})`;
  // 'weekday 0' moves to the next Sunday (or stays on one); six days back is that week's Monday.
  if (groupBy === 'week') return `date(${seconds}, 'weekday 0', '-6 days')`;
  return `date(${seconds})`;
}

/**
 * The bucket label of a time, computed the way {@link bucketSql} does in SQL.
 *
 * @param groupBy - bucket size
 * @param ms - time, ms since the epoch
 * @returns `YYYY-MM-DD` of the bucket's first day
 */
export function bucketOf(groupBy: GroupBy, ms: number): string {
  const day = new Date(Math.floor(ms / ONE_DAY_MS) * ONE_DAY_MS);
  if (groupBy === 'month') return `${day.toISOString().slice(0, 7)}-01`;
  if (groupBy === 'week') day.setUTCDate(day.getUTCDate() - ((day.getUTCDay() + 6) % 7));
  return day.toISOString().slice(0, 10);
}
