import { isoOf } from '../dates.js';
import { BACKEND_MARKER, JOURNEY_EVENT_LIMIT, type InsightReads } from './facts.js';
import { personIdsOf, type PersonIds } from './identity-graph.js';
import type { JourneyQuery } from './insight-query.js';
import { touchOfRaw, type TouchRow } from './touch.js';

/** One event of a journey. */
export interface JourneyEvent {
  time: string | null;
  type: string;
  name: string;
  messageId: string;
  anonymousId: string | null;
  userId: string | null;
  sessionId: string | null;
  /** Sent by the server bridge (`@tidemark/server`), not by a browser or app. */
  backend: boolean;
  /** The event's `properties` (or `traits` of an identify), as stored. */
  properties: Record<string, unknown> | null;
}

/** One browser session of a journey, with the touch that opened it. */
export interface JourneySession {
  sessionId: string;
  anonymousId: string | null;
  start: string | null;
  end: string | null;
  /** Events of the session listed in this journey (backend ones included). */
  events: number;
  touch: TouchRow;
}

/** `GET /v1/journey`: a person's IDs, sessions, touches and events (oldest first). */
export interface Journey extends PersonIds {
  sessions: JourneySession[];
  events: JourneyEvent[];
  /** True when the person has more than {@link JOURNEY_EVENT_LIMIT} events: only the newest are listed. */
  truncated: boolean;
}

const objectOr = (value: unknown) => (value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null);

/**
 * Compute `GET /v1/journey`: everything one person did, across the anonymous IDs and
 * devices the identity graph joins, browser and backend events alike.
 *
 * @param reads - the store's insight reads
 * @param query - a user ID or an anonymous ID
 * @returns the journey (empty lists for an ID never seen)
 */
export async function journeyReport(reads: InsightReads, query: JourneyQuery): Promise<Journey> {
  const ids = await personIdsOf(reads, query.anonymousId, query.userId);
  // Backend events under this user carry throwaway anonymous IDs the graph lists too.
  const rows = await reads.eventsOf(ids.anonymousIds, ids.userIds, JOURNEY_EVENT_LIMIT + 1);
  const truncated = rows.length > JOURNEY_EVENT_LIMIT;
  const listed = rows.slice(0, JOURNEY_EVENT_LIMIT).reverse();
  const sessions = new Map<string, JourneySession>();
  const events = listed.map((row): JourneyEvent => {
    const raw = row.raw ?? '{}';
    const backend = raw.includes(BACKEND_MARKER);
    let parsed: Record<string, unknown> = {};
    try {
      parsed = objectOr(JSON.parse(raw)) ?? {};
    } catch {
      // a row that does not parse still lists its columns
    }
    if (row.sessionId !== null) {
      const id = `${row.anonymousId ?? ''}/${row.sessionId}`;
      let session = sessions.get(id);
      if (!session && !backend) {
        sessions.set(id, (session = { sessionId: row.sessionId, anonymousId: row.anonymousId, start: isoOf(row.atMs), end: isoOf(row.atMs), events: 0, touch: touchOfRaw(raw) }));
      }
      if (session) {
        session.events += 1;
        session.end = isoOf(row.atMs);
      }
    }
    const properties = objectOr(parsed.properties) ?? objectOr(parsed.traits);
    return { time: isoOf(row.atMs), type: row.type, name: row.name, messageId: row.key, anonymousId: row.anonymousId, userId: row.userId, sessionId: row.sessionId, backend, properties };
  });
  return { ...ids, sessions: [...sessions.values()], events, truncated };
}
