import { TidemarkError } from './errors.js';
import { eventBytes, eventJson } from '@tidemark/protocol';
import { toJsonObject, type Unreadable } from './json-safe.js';
import { LIMITS, type TidemarkEvent } from './types.js';
import { describeValue, explain, SENTENCES } from '@tidemark/protocol';
import { unreadableError } from './validate.js';

/** The deferred stages between a call and the queue: validate → make JSON-safe → `beforeSend` → size check. */
export interface PrepareStages {
  beforeSend?: ((event: TidemarkEvent) => TidemarkEvent | null) | undefined;
  /** Told why an event was dropped. */
  report: (error: TidemarkError) => void;
}

/** The last time formatted, and its text: the events of a burst mostly share a millisecond. */
let lastMs: number | undefined;
let lastIso = '';

/** `new Date(ms).toISOString()`, which costs ~1.7 µs in Chromium, reused while `ms` repeats. */
function isoTime(ms: number): string {
  if (ms !== lastMs) {
    lastIso = new Date(ms).toISOString();
    lastMs = ms;
  }
  return lastIso;
}

/**
 * Turn the raw event of a call into a valid wire event, or drop it with a reported
 * `TidemarkError`. Runs off the hot path (in the queue's microtask), so `track()` itself
 * stays a few object writes.
 *
 * @param event - as built by the call; properties and traits may hold anything
 * @param stages - `beforeSend` and the error sink
 * @returns the event to queue, or `undefined` when it was dropped
 */
export function prepareEvent(event: TidemarkEvent, stages: PrepareStages): TidemarkEvent | undefined {
  // Calls record the time as a number; ISO formatting waits until here.
  if (typeof event.timestamp === 'number') event.timestamp = isoTime(event.timestamp);
  if (event.type === 'track') {
    const name = event.event as unknown;
    if (typeof name !== 'string' || !name.trim() || name.length > LIMITS.maxEventNameLength) {
      stages.report(
        new TidemarkError('invalid_event', SENTENCES ? `track() needs an event name: a non-empty string of at most ${LIMITS.maxEventNameLength} characters (got ${describeValue(name)})` : explain('TM13')),
      );
      return undefined;
    }
  }
  const unreadable: Unreadable = { count: 0 };
  if (event.properties !== undefined) event.properties = toJsonObject(event.properties, unreadable);
  if (event.traits !== undefined) event.traits = toJsonObject(event.traits, unreadable);
  if (unreadable.count) stages.report(unreadableError(`the ${callName(event)} call's data`, unreadable.count));

  let out: TidemarkEvent | null = event;
  if (stages.beforeSend) {
    // Events of one tick share their context object: give each its own before the app may mutate it.
    event.context = { ...event.context };
    try {
      out = stages.beforeSend(event);
    } catch (err) {
      stages.report(new TidemarkError('invalid_event', SENTENCES ? 'beforeSend threw; the event was kept unchanged' : explain('TM14'), err));
      out = event;
    }
    if (out === null) return undefined;
    if (!out || typeof out !== 'object' || typeof out.messageId !== 'string') {
      stages.report(new TidemarkError('invalid_event', SENTENCES ? 'beforeSend must return the event or null; the event was kept unchanged' : explain('TM15')));
      out = event;
    }
  }

  try {
    eventJson(out); // made once here, kept for the size, the store and the request body
  } catch (err) {
    stages.report(new TidemarkError('invalid_event', SENTENCES ? 'beforeSend returned an event that is not JSON' : explain('TM16'), err));
    return undefined;
  }
  const bytes = eventBytes(out);
  if (bytes > LIMITS.maxEventBytes) {
    const what = out.event ?? out.name ?? out.type;
    stages.report(new TidemarkError('event_too_large', SENTENCES ? `Event "${String(what).slice(0, 60)}" is ${bytes} bytes; the limit is ${LIMITS.maxEventBytes}. Send less in its properties.` : explain('TM17')));
    return undefined;
  }
  return out;
}

/** `track("Signed Up")`, `page()`…: which call an event came from, for messages. */
function callName(event: TidemarkEvent): string {
  return event.type === 'track' ? `track(${JSON.stringify(String(event.event).slice(0, 60))})` : `${event.type}()`;
}
