import { BACKEND_MARKER, edgesOf, type EventFact, type IdentityEdge, type InsightReads, type SessionStart } from '../insights/facts.js';
import { orNull } from './ch-rows.js';
import type { NodePool } from './node-pool.js';
import { int, quote, quoteList } from './sql.js';

interface ChFact {
  key: string;
  type: string;
  name: string;
  a: string;
  u: string;
  s: string;
  at: string;
  raw?: string;
}

const factOf = (r: ChFact): EventFact => ({ key: r.key, type: r.type, name: r.name, anonymousId: orNull(r.a), userId: orNull(r.u), sessionId: orNull(r.s), atMs: Number(r.at), raw: r.raw ?? null });

const FACT_COLUMNS = 'key, type, name, anonymous_id AS a, user_id AS u, session_id AS s, event_ms AS at';

/**
 * The reports' reads from ClickHouse (see {@link InsightReads}), over `events FINAL` so a
 * re-sent event counts once. Every value from a request is an escaped literal (18.16 has no
 * query parameters); aggregates mirror the SQLite store's, ties included: the session's first
 * row is `argMin` by time, as SQLite's bare columns of `min()`.
 *
 * @param pool - the nodes
 * @param database - the database (an identifier checked by the options)
 * @returns the reads
 */
export function chInsights(pool: NodePool, database: string): InsightReads {
  const events = `${database}.events FINAL`;
  return {
    async identityEdges(): Promise<IdentityEdge[]> {
      const [pairs, aliases] = await Promise.all([
        pool.rows<{ a: string; u: string; at: string }>(`SELECT anonymous_id AS a, user_id AS u, min(event_ms) AS at FROM ${events} WHERE user_id != '' AND anonymous_id != '' GROUP BY a, u`),
        pool.rows<{ u: string; at: string; raw: string }>(`SELECT user_id AS u, event_ms AS at, raw FROM ${events} WHERE type = 'alias' AND user_id != ''`),
      ]);
      return edgesOf(pairs, aliases);
    },
    async sessionStarts(fromMs: number, toMs: number): Promise<SessionStart[]> {
      // Aliases differ from column names: ClickHouse would put an aggregate aliased `raw` into the WHERE.
      const rows = await pool.rows<{ a: string; u: string; s: string; at: string; first_raw: string }>(
        `SELECT anonymous_id AS a, argMin(user_id, event_ms) AS u, session_id AS s, min(event_ms) AS at, argMin(raw, event_ms) AS first_raw FROM ${events}
         WHERE event_ms >= ${int(fromMs)} AND event_ms < ${int(toMs)} AND session_id != '' AND position(raw, ${quote(BACKEND_MARKER)}) = 0
         GROUP BY anonymous_id, if(anonymous_id = '', user_id, ''), session_id`,
      );
      return rows.map((r) => ({ anonymousId: orNull(r.a), userId: orNull(r.u), sessionId: r.s, atMs: Number(r.at), raw: r.first_raw }));
    },
    async eventsNamed(fromMs, toMs, names, withRaw): Promise<EventFact[]> {
      const rows = await pool.rows<ChFact>(
        `SELECT ${FACT_COLUMNS}${withRaw ? ', raw' : ''} FROM ${events}
         WHERE event_ms >= ${int(fromMs)} AND event_ms < ${int(toMs)} AND name IN ${quoteList(names)} ORDER BY event_ms, key`,
      );
      return rows.map(factOf);
    },
    async eventsOf(anonymousIds, userIds, limit): Promise<EventFact[]> {
      const where = [anonymousIds.length ? `anonymous_id IN ${quoteList(anonymousIds)}` : '', userIds.length ? `user_id IN ${quoteList(userIds)}` : ''].filter(Boolean);
      if (!where.length) return [];
      const rows = await pool.rows<ChFact>(`SELECT ${FACT_COLUMNS}, raw FROM ${events} WHERE ${where.join(' OR ')} ORDER BY event_ms DESC, key DESC LIMIT ${int(limit)}`);
      return rows.map(factOf);
    },
  };
}
