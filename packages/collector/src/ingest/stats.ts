/** Counters of one running collector (since it started). */
export interface CollectorStats {
  /** Events stored for the first time. */
  stored: number;
  /** Events acknowledged but not stored again because their key was already stored. */
  duplicates: number;
  /** Events refused individually (invalid, too large…). */
  rejected: number;
  /** Nucleus heartbeats received (they touch sessions, they are not stored as events). */
  heartbeats: number;
  /** Requests refused as a whole (400, 401, 413, 429…). */
  refusedRequests: number;
  /** Events in the database file, including those of earlier runs. */
  totalEvents: number;
  /** Open ingest WebSockets. */
  sockets: number;
  /** ISO time the collector started. */
  startedAt: string;
}

/**
 * Mutable counters behind `stats()` and `GET /v1/stats`.
 *
 * @returns zeroed counters
 */
export function createStats(): Omit<CollectorStats, 'totalEvents'> {
  return { stored: 0, duplicates: 0, rejected: 0, heartbeats: 0, refusedRequests: 0, sockets: 0, startedAt: new Date().toISOString() };
}
