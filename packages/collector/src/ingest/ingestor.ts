import type { SessionTouch, EventRow } from '../store/row.js';
import type { GroupCommitter } from './group-commit.js';
import type { IngestContext, Normalized } from './normalize.js';
import { normalizeNucleusEvent } from './nucleus-event.js';
import { normalizeSegmentEvent } from './segment-event.js';
import type { createStats } from './stats.js';

/** An event refused on its own; the rest of its request is stored. */
export interface Rejection {
  /** The event's `messageId` (or Nucleus `id`, with its JSON type), `null` when it had none. */
  messageId: string | number | null;
  reason: string;
}

/** What became of the events of one request, after the commit. */
export interface IngestResult {
  /** IDs now durably stored, duplicates and heartbeats included, each with its JSON type. */
  reportedIds: Array<string | number>;
  rejected: Rejection[];
  stored: number;
  duplicates: number;
}

/**
 * One event of a Nucleus-style frame: our Segment-shaped events carry a string `messageId`;
 * anything else is read as a Nucleus event.
 *
 * @param input - one element of `data`
 * @param ctx - the request
 * @param text - the event's JSON text as sent, if known (stored instead of serializing `input`)
 * @returns the normalized event
 */
export function normalizeFrameEvent(input: unknown, ctx: IngestContext, text?: string): Normalized {
  const segment = input !== null && typeof input === 'object' && typeof (input as { messageId?: unknown }).messageId === 'string';
  return segment ? normalizeSegmentEvent(input, ctx, text) : normalizeNucleusEvent(input, ctx, text);
}

/**
 * Refusal of a request because too many events already wait for their commit (the store is
 * slow or down): nothing of the request was taken, and the client should retry later.
 */
export class BackpressureError extends Error {
  /** Stable code. */
  readonly code = 'overloaded';
  /**
   * @param waiting - events waiting when the request came
   */
  constructor(waiting: number) {
    super(`${waiting} events are waiting for the store; retry later`);
    this.name = 'BackpressureError';
  }
}

/**
 * Commits the valid events of a request and reports, per event, what became of it.
 *
 * @example
 * const result = await ingestor.ingest(batch.map((e) => normalizeSegmentEvent(e, ctx)));
 */
export class Ingestor {
  readonly #committer: GroupCommitter;
  readonly #stats: ReturnType<typeof createStats>;
  readonly #maxPending: number;

  /**
   * @param committer - the group committer
   * @param stats - counters to update with rejections and heartbeats
   * @param maxPending - most events waiting for commits before requests are refused
   */
  constructor(committer: GroupCommitter, stats: ReturnType<typeof createStats>, maxPending = Infinity) {
    this.#committer = committer;
    this.#stats = stats;
    this.#maxPending = maxPending;
  }

  /**
   * Resolve once every request ingested before this call is committed or failed: a receipts
   * question asked right after a send then sees that send's events.
   *
   * @returns a promise that never rejects
   */
  settled(): Promise<void> {
    return this.#committer.settled();
  }

  /**
   * Store the rows and heartbeats of one request in one transaction.
   *
   * @param items - the request's events, normalized
   * @returns acknowledged IDs and rejections, once committed
   * @throws the storage error when the commit failed (nothing of the request is stored)
   * @throws BackpressureError when `maxPending` events already wait (nothing was taken)
   */
  async ingest(items: Normalized[]): Promise<IngestResult> {
    const waiting = this.#committer.pendingRows;
    // One request always passes an idle committer, however big, so nothing is refused forever.
    if (waiting > 0 && waiting + items.length > this.#maxPending) throw new BackpressureError(waiting);
    const rows: EventRow[] = [];
    const touches: SessionTouch[] = [];
    const reportedIds: Array<string | number> = [];
    const rejected: Rejection[] = [];
    for (const item of items) {
      if (item.kind === 'rejected') {
        rejected.push({ messageId: item.ackId, reason: item.reason });
        continue;
      }
      if (item.kind === 'row') rows.push(item.row);
      else {
        this.#stats.heartbeats += 1;
        if (item.touch) touches.push(item.touch);
      }
      if (item.ackId !== null) reportedIds.push(item.ackId);
    }
    this.#stats.rejected += rejected.length;
    const { stored, duplicates } = await this.#committer.submit(rows, touches);
    return { reportedIds, rejected, stored, duplicates };
  }
}
