/**
 * What the attribution, funnel and journey reports read from a store: a few narrow row sets
 * that SQLite and ClickHouse each answer in SQL, so the reports themselves (the identity
 * graph, the models, the funnel steps) are computed once, in `insights/`, and answer the same
 * on both stores.
 */

/**
 * Text that marks an event sent by the server bridge (`@tidemark/server` stamps
 * `context.library` so). Stored raw JSON is `JSON.stringify` output, so the marker is a plain
 * substring both stores can test in SQL; backend events never open a session or carry a touch.
 */
export const BACKEND_MARKER = '"library":{"name":"@tidemark/server"';

/** One link of the identity graph, aggregated over every event that makes it. */
export interface IdentityEdge {
  /** `pair`: an event carried both IDs (identify, or any event after it); `alias`: previousId → userId. */
  kind: 'pair' | 'alias';
  /** The anonymous ID (`pair`) or the alias's `previousId` (`alias`). */
  from: string;
  /** The user ID it links to. */
  userId: string;
  /** Earliest (corrected) time of an event making the link, ms. */
  atMs: number;
}

/** The first browser event of a session: where the session's touch is read. */
export interface SessionStart {
  anonymousId: string | null;
  userId: string | null;
  sessionId: string;
  /** Time of its first browser event, ms. */
  atMs: number;
  /** That event's raw JSON (its `context` holds the touch). */
  raw: string;
}

/** An event as the reports need it. */
export interface EventFact {
  key: string;
  type: string;
  name: string;
  anonymousId: string | null;
  userId: string | null;
  sessionId: string | null;
  atMs: number;
  /** The raw JSON, when asked for. */
  raw: string | null;
}

/** The alias's `previousId` when it is a non-empty string. */
function previousIdOf(raw: string): string | null {
  try {
    const previousId = (JSON.parse(raw) as { previousId?: unknown }).previousId;
    return typeof previousId === 'string' && previousId !== '' ? previousId : null;
  } catch {
    return null;
  }
}

/**
 * The graph's links from a store's two reads: anonymous ID ↔ user ID pairs aggregated in SQL,
 * and alias rows read whole, their `previousId` parsed here (aliases are few), so both stores
 * build the same graph.
 *
 * @param pairs - `{ a: anonymousId, u: userId, at: earliest ms }`
 * @param aliases - `{ u: userId, at: ms, raw }` of alias events
 * @returns the links
 */
export function edgesOf(pairs: ReadonlyArray<{ a: string; u: string; at: number | string }>, aliases: ReadonlyArray<{ u: string; at: number | string; raw: string }>): IdentityEdge[] {
  const edges: IdentityEdge[] = pairs.map((p) => ({ kind: 'pair', from: p.a, userId: p.u, atMs: Number(p.at) }));
  for (const alias of aliases) {
    const from = previousIdOf(alias.raw);
    if (from !== null) edges.push({ kind: 'alias', from, userId: alias.u, atMs: Number(alias.at) });
  }
  return edges;
}

/** Most events a journey lists (the newest ones). */
export const JOURNEY_EVENT_LIMIT = 500;

/**
 * The reads of the reports, implemented by each store (`store/sqlite-insights.ts`,
 * `clickhouse/ch-insights.ts`). Times are corrected event times, ms, start inclusive and
 * end exclusive.
 */
export interface InsightReads {
  /**
   * Every link of the identity graph, whatever its time: a person is who they are across
   * the whole history, so an `identify` before the report's range still merges.
   *
   * @returns the links, one per (kind, from, userId)
   */
  identityEdges(): Promise<IdentityEdge[]>;
  /**
   * The first browser event of each session with activity in the range.
   *
   * @param fromMs - start
   * @param toMs - end
   * @returns one row per session (anonymous ID, or user ID without one, and session ID)
   */
  sessionStarts(fromMs: number, toMs: number): Promise<SessionStart[]>;
  /**
   * Events with one of these names in the range, oldest first.
   *
   * @param fromMs - start
   * @param toMs - end
   * @param names - event names (at least one)
   * @param withRaw - include the raw JSON (conversions need their properties)
   * @returns the events
   */
  eventsNamed(fromMs: number, toMs: number, names: readonly string[], withRaw: boolean): Promise<EventFact[]>;
  /**
   * The newest events of some IDs, with raw JSON, newest first.
   *
   * @param anonymousIds - anonymous IDs (at most `PERSON_ID_LIMIT`)
   * @param userIds - user IDs (at most `PERSON_ID_LIMIT`)
   * @param limit - most rows
   * @returns the events
   */
  eventsOf(anonymousIds: readonly string[], userIds: readonly string[], limit: number): Promise<EventFact[]>;
}
