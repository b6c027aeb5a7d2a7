import type { SessionDelta } from '../store/rollup.js';
import type { NodePool } from './node-pool.js';
import { orNull } from './ch-rows.js';
import { int, quote, quoteList } from './sql.js';

/**
 * A session computed from events and heartbeats at query time: the fields the SQLite store
 * keeps in its sessions table, and where the export finds it.
 */
export interface ChSession extends Pick<SessionDelta, 'source' | 'sessionId' | 'anonymousId' | 'userId' | 'startMs' | 'endMs' | 'count'> {
  /** The session key, or `key@start` for an earlier session that a Nucleus `init` ended. */
  sessionKey: string;
  /** Highest `sess_ord` of its rows: where the session export finds it. */
  ord: number;
}

/** Events and heartbeats of sessions, as one row set. */
function activity(database: string, where: string): string {
  return `SELECT source, session_key, session_id, anonymous_id, user_id, event_ms AS at, ord, sess_ord, toUInt8(1) AS n, starts_session AS init
    FROM ${database}.events FINAL WHERE session_key != '' ${where}
  UNION ALL
  SELECT source, session_key, session_id, anonymous_id, user_id, at_ms AS at, ord, ord AS sess_ord, toUInt8(0) AS n, toUInt8(0) AS init
    FROM ${database}.heartbeats WHERE 1 ${where}`;
}

interface Aggregate {
  source: string;
  session_key: string;
  sid: string;
  aid: string;
  uid: string;
  first_at: string;
  last_at: string;
  cnt: string;
  last_ord: string;
  split: number;
}

interface Moment {
  session_key: string;
  at: string;
  ord: string;
  sess_ord: string;
  n: number;
  init: number;
  user_id: string;
}

/**
 * Split one session key's activity where a Nucleus `init` comes after the session ended,
 * as the SQLite store does at write time: the earlier session keeps `key@start`.
 */
function split(agg: Aggregate, moments: Moment[]): ChSession[] {
  const sessions: Array<ChSession & { userOrd: number }> = [];
  for (const m of moments) {
    const at = Number(m.at);
    const ord = Number(m.ord);
    const position = Number(m.sess_ord);
    let current = sessions[sessions.length - 1];
    if (!current || (m.init === 1 && at > current.endMs)) {
      current = { source: agg.source, sessionKey: agg.session_key, sessionId: agg.sid, anonymousId: orNull(agg.aid), userId: null, startMs: at, endMs: at, count: 0, ord: position, userOrd: -1 };
      sessions.push(current);
    }
    current.endMs = Math.max(current.endMs, at);
    current.count += m.n;
    current.ord = Math.max(current.ord, position);
    if (m.user_id !== '' && ord > current.userOrd) [current.userId, current.userOrd] = [m.user_id, ord];
  }
  return sessions.map(({ userOrd: _, ...session }, i) => (i < sessions.length - 1 ? { ...session, sessionKey: `${session.sessionKey}@${session.startMs}` } : session));
}

/**
 * SQL of one row per session key (`source, session_key, sid, aid, uid, first_at, last_at,
 * cnt, last_ord, split`), `split` set when a Nucleus `init` came after the key's first
 * activity (such keys hold more than one session: see {@link sessionsOf}).
 *
 * @param database - the database
 * @param having - `HAVING` conditions (trusted SQL)
 * @returns the query
 */
export function sessionAggregates(database: string, having: string[]): string {
  return `SELECT source, session_key, any(session_id) AS sid, any(anonymous_id) AS aid, argMaxIf(user_id, ord, user_id != '') AS uid,
       min(at) AS first_at, max(at) AS last_at, sum(n) AS cnt, max(sess_ord) AS last_ord, maxIf(at, init = 1) > min(at) AS split
     FROM (${activity(database, '')}) GROUP BY source, session_key
     ${having.length ? `HAVING ${having.join(' AND ')}` : ''}`;
}

/**
 * Every session whose activity reaches into a window, computed from the events (FINAL: a
 * re-sent event counts once) and the heartbeats.
 *
 * @param pool - the nodes
 * @param database - the database
 * @param having - extra `HAVING` conditions on `first_at`, `last_at`, `last_ord`, `split` (trusted SQL)
 * @param tail - `ORDER BY … LIMIT …` of the aggregates (trusted SQL)
 * @returns the sessions, Nucleus restarts split off
 */
export async function sessionsOf(pool: NodePool, database: string, having: string[], tail = ''): Promise<ChSession[]> {
  const aggregates = await pool.rows<Aggregate>(`${sessionAggregates(database, having)} ${tail}`);
  const sessions: ChSession[] = [];
  const toSplit = new Map<string, Aggregate[]>();
  for (const agg of aggregates) {
    if (agg.split) {
      const list = toSplit.get(agg.source) ?? [];
      list.push(agg);
      toSplit.set(agg.source, list);
      continue;
    }
    sessions.push({
      source: agg.source,
      sessionKey: agg.session_key,
      sessionId: agg.sid,
      anonymousId: orNull(agg.aid),
      userId: orNull(agg.uid),
      startMs: Number(agg.first_at),
      endMs: Number(agg.last_at),
      count: Number(agg.cnt),
      ord: Number(agg.last_ord),
    });
  }
  for (const [source, aggs] of toSplit) {
    const moments = await pool.rows<Moment>(
      `SELECT session_key, at, ord, sess_ord, n, init, user_id FROM (${activity(database, `AND source = ${quote(source)} AND session_key IN ${quoteList(aggs.map((a) => a.session_key))}`)})
       ORDER BY at, ord`,
    );
    for (const agg of aggs) sessions.push(...split(agg, moments.filter((m) => m.session_key === agg.session_key)));
  }
  return sessions;
}

/**
 * `HAVING` conditions of sessions whose activity overlaps `[fromMs, toMs)`.
 *
 * @param fromMs - inclusive
 * @param toMs - exclusive
 * @returns the conditions
 */
export const overlapping = (fromMs: number, toMs: number): string[] => [`last_at >= ${int(fromMs)}`, `first_at < ${int(toMs)}`];
