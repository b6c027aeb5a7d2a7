/**
 * Why events left a client's queue undelivered, one meaning for every client (each meets
 * the reasons that can happen to it):
 * - `queue_full`: more than the queue's bound was held (a long outage); the oldest went.
 * - `expired`: older than the browser client's `maxEventAgeMs`.
 * - `rejected`: refused by the collector for good.
 * - `invalid`: failed validation (bad name, too large) or dropped by `beforeSend`.
 * - `consent`: consent was denied, or the user opted out.
 * - `closed`: the server client's `close()` reached its limit with these unsent (without a
 *   spool; with one they are kept for the next start).
 */
export type DropReason = 'queue_full' | 'expired' | 'rejected' | 'invalid' | 'consent' | 'closed';

/** Payload of a `drop` notice: why, and how many. */
export interface DropInfo {
  reason: DropReason;
  count: number;
}
