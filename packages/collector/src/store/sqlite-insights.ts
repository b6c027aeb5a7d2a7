import { BACKEND_MARKER, edgesOf, type EventFact, type IdentityEdge, type InsightReads, type SessionStart } from '../insights/facts.js';
import type { Db } from './schema.js';

interface FactRow {
  key: string;
  type: string;
  name: string;
  a: string | null;
  u: string | null;
  s: string | null;
  at: number;
  raw?: string;
}

const factOf = (r: FactRow): EventFact => ({ key: r.key, type: r.type, name: r.name, anonymousId: r.a, userId: r.u, sessionId: r.s, atMs: Number(r.at), raw: r.raw ?? null });

/** `?, ?, ?` for a list of parameters. */
const marks = (n: number) => Array(n).fill('?').join(', ');

/**
 * The reports' reads from SQLite (see {@link InsightReads}). Pairs are aggregated in SQL;
 * the few alias rows are read whole and their `previousId` parsed here, exactly as the
 * ClickHouse store does, so both stores build the same graph.
 *
 * @param db - the request thread's connection
 * @returns the reads
 */
export function sqliteInsights(db: Db): InsightReads {
  return {
    async identityEdges(): Promise<IdentityEdge[]> {
      const pairs = db
        .prepare('SELECT anonymous_id AS a, user_id AS u, min(event_ms) AS at FROM events WHERE user_id IS NOT NULL AND anonymous_id IS NOT NULL GROUP BY a, u')
        .all() as Array<{ a: string; u: string; at: number }>;
      const aliases = db.prepare("SELECT user_id AS u, event_ms AS at, raw FROM events WHERE type = 'alias' AND user_id IS NOT NULL").all() as Array<{ u: string; at: number; raw: string }>;
      return edgesOf(pairs, aliases);
    },
    async sessionStarts(fromMs: number, toMs: number): Promise<SessionStart[]> {
      // SQLite takes the bare columns (user_id, raw) from the row holding min(event_ms).
      const rows = db
        .prepare(
          `SELECT anonymous_id AS a, user_id AS u, session_id AS s, min(event_ms) AS at, raw FROM events
           WHERE event_ms >= ? AND event_ms < ? AND session_id IS NOT NULL AND instr(raw, ?) = 0
           GROUP BY anonymous_id, CASE WHEN anonymous_id IS NULL THEN user_id END, session_id`,
        )
        .all([fromMs, toMs, BACKEND_MARKER]) as Array<{ a: string | null; u: string | null; s: string; at: number; raw: string }>;
      return rows.map((r) => ({ anonymousId: r.a, userId: r.u, sessionId: r.s, atMs: Number(r.at), raw: r.raw }));
    },
    async eventsNamed(fromMs, toMs, names, withRaw): Promise<EventFact[]> {
      const rows = db
        .prepare(
          `SELECT key, type, name, anonymous_id AS a, user_id AS u, session_id AS s, event_ms AS at${withRaw ? ', raw' : ''} FROM events
           WHERE event_ms >= ? AND event_ms < ? AND name IN (${marks(names.length)}) ORDER BY event_ms, key`,
        )
        .all([fromMs, toMs, ...names]) as FactRow[];
      return rows.map(factOf);
    },
    async eventsOf(anonymousIds, userIds, limit): Promise<EventFact[]> {
      const where = [anonymousIds.length ? `anonymous_id IN (${marks(anonymousIds.length)})` : '', userIds.length ? `user_id IN (${marks(userIds.length)})` : ''].filter(Boolean);
      if (!where.length) return [];
      const rows = db
        .prepare(`SELECT key, type, name, anonymous_id AS a, user_id AS u, session_id AS s, event_ms AS at, raw FROM events WHERE ${where.join(' OR ')} ORDER BY event_ms DESC, key DESC LIMIT ?`)
        .all([...anonymousIds, ...userIds, limit]) as FactRow[];
      return rows.map(factOf);
    },
  };
}
