/** A JSON object as stored (parsed from a request body). */
export type JsonRecord = Record<string, unknown>;

/**
 * Notes stored with an event (column `flags`, comma-separated):
 * - `future_timestamp`: the (corrected) time was after the server's clock; it was clamped to receipt time.
 * - `metadata_truncated`: `/v1/track` metadata was over 4 KB; only the leading keys that fit were kept.
 * - `no_sent_at`: the batch had no valid `sentAt`, so no clock-skew correction was applied.
 */
export type EventFlag = 'future_timestamp' | 'metadata_truncated' | 'no_sent_at';

/** One event ready for storage: indexed columns plus the raw JSON. */
export interface EventRow {
  /** Dedupe key: the `messageId`, or for Nucleus events one scoped to the sender. */
  key: string;
  /** The event's own ID as text (`messageId`, Nucleus `id`, or one the collector made). */
  messageId: string;
  /** Wire type: a Segment type (`track`, `page`…) or a Nucleus one (`init`, `event`, `error`…). */
  type: string;
  /** Event name used by metrics and the dashboard: the track event name, else the type. */
  name: string;
  anonymousId: string | null;
  userId: string | null;
  sessionId: string | null;
  /** Client time in ms since the epoch, as sent. */
  clientMs: number;
  /** Client time corrected for clock skew and clamped to the server's clock. */
  eventMs: number;
  /** Server time of receipt. */
  receivedMs: number;
  /** The write key or app ID the event came in under. */
  source: string;
  flags: EventFlag[];
  /** The event as received, serialized. */
  raw: string;
  /** Traits to merge into the user (identify `traits`, Nucleus `props` payload). */
  traits: JsonRecord | null;
  /** A Nucleus `init`: starts a new session even if its ID was used before. */
  startsSession: boolean;
}

/** A heartbeat: keeps a session alive without storing an event. */
export interface SessionTouch {
  source: string;
  anonymousId: string | null;
  userId: string | null;
  sessionId: string;
  atMs: number;
}
