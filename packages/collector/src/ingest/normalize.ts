import type { EventFlag, EventRow, SessionTouch } from '../store/row.js';

/** Where and when a request arrived, for every event in it. */
export interface IngestContext {
  /** The write key or app ID the request was authorized with. */
  source: string;
  /** Server time of receipt, ms. */
  receivedMs: number;
  /** `receivedAt - sentAt` of the batch, or `null` when the request carried no valid `sentAt`. */
  skewMs: number | null;
  /** Notes that hold for every event of the request (`no_sent_at`). */
  flags: EventFlag[];
}

/** One event of a request after validation: a row to store, a heartbeat, or a rejection. */
export type Normalized =
  | { kind: 'row'; row: EventRow; ackId: string | number | null }
  | { kind: 'heartbeat'; touch: SessionTouch | null; ackId: string | number | null }
  | { kind: 'rejected'; ackId: string | number | null; reason: string };
