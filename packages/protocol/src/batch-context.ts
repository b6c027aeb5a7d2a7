import { contextJson, eventJson, eventJsonWithoutContext } from './event-json.js';
import { isRecord } from './is-record.js';
import type { TidemarkEvent } from './wire.js';

/** A batch's events as JSON text, and the context they share when they all have the same one. */
export interface BatchJson {
  /** The events' JSON texts joined by commas (without `context` when `context` is set). */
  events: string;
  /** The JSON of the context every event shares, sent once as the body's `context`. */
  context?: string;
}

/**
 * The JSON of a batch's events. When every event has the same `context` (a page's events
 * usually do: one page, one session), it goes once at the batch's top level, as the Segment
 * batch spec allows, instead of in each event: about two thirds of a browser event's bytes
 * (docs/architecture.md, "The event"). Events whose contexts differ each carry their
 * own, so a receiver that merges the batch's context into each event gets every event
 * exactly as it was queued.
 *
 * @param events - the batch, validated
 * @returns the events' JSON and the shared context's, if any
 */
export function batchJson(events: readonly TidemarkEvent[]): BatchJson {
  const shared = sharedContextJson(events);
  if (shared === undefined) return { events: events.map(eventJson).join(',') };
  return { events: events.map(eventJsonWithoutContext).join(','), context: shared };
}

/** The context JSON every event of `events` has, compared once per distinct context object. */
function sharedContextJson(events: readonly TidemarkEvent[]): string | undefined {
  let last: unknown = sharedContextJson; // no event's context (so the first is always looked at)
  let shared: string | undefined;
  for (const event of events) {
    const context: unknown = event.context;
    if (context === last) continue;
    if (!isRecord(context)) return undefined;
    const text = contextJson(context);
    if (text === undefined || (shared !== undefined && text !== shared)) return undefined;
    shared = text;
    last = context;
  }
  return shared;
}

/**
 * The events of a batch body as their sender queued them: the body's top-level `context`
 * (Segment spec) merged into each event's own, the event's fields winning. An event whose
 * `context` is not an object is left as it is, for the receiver's validation to refuse.
 *
 * @param batch - the body's `batch` array
 * @param context - the body's `context`: merged when it is an object, else ignored (a
 *   receiver that refuses other values checks before)
 * @returns the events, each with the merged context (the input when there is none)
 * @example withBatchContext(body.batch, body.context)
 */
export function withBatchContext(batch: readonly unknown[], context: unknown): unknown[] {
  if (!isRecord(context)) return batch as unknown[];
  return batch.map((event) => {
    if (!isRecord(event)) return event;
    const own = event.context;
    if (own === undefined) return { ...event, context };
    if (!isRecord(own)) return event;
    return { ...event, context: { ...context, ...own } };
  });
}
