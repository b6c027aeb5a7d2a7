import { randomUUID } from 'node:crypto';
import { isDateMs, parseIsoTimestamp } from '../dates.js';
import type { EventFlag, JsonRecord } from '../store/row.js';
import { EventProblem, correctTime, idField, nameField, objectField, serializeEvent, sessionIdOf } from './fields.js';
import { checkJson } from './json-check.js';
import { WIRE_LIMITS } from './limits.js';
import type { IngestContext, Normalized } from './normalize.js';

/** Separator of the Nucleus dedupe keys; IDs may not contain control characters, so keys cannot collide. */
const SEP = '\u001f';

/** The event's `id` as sent: a string or a number, echoed back with its JSON type. */
function ackIdOf(event: JsonRecord): string | number | null {
  const id = event.id;
  if (id === undefined || id === null) return null;
  if (typeof id === 'number' && Number.isFinite(id)) return id;
  if (typeof id === 'string' && id !== '' && id.length <= WIRE_LIMITS.maxIdLength && !/[\u0000-\u001f\u007f]/.test(id)) return id;
  throw new EventProblem('id must be a number or a non-empty string of at most 200 printable characters');
}

function dateOf(value: unknown, receivedMs: number): number {
  if (value === undefined || value === null) return receivedMs;
  if (typeof value === 'number' && value >= 0 && isDateMs(value)) return value;
  const parsed = typeof value === 'string' ? parseIsoTimestamp(value) : null;
  if (parsed === null) throw new EventProblem('date must be epoch milliseconds (0 to 8.64e15) or an ISO 8601 date-time');
  return parsed;
}

/**
 * Validate one Nucleus-shaped event (`type` such as `init`, `event`, `error`, `userid`,
 * `props`, `nucleus:view`, `heartbeat`; `name`, `id`, `date` in epoch ms, `payload`, `anonId`,
 * `deviceId`, `sessionId`…). Nucleus clients draw `id`s as small random integers, so the
 * dedupe key is scoped to the sender: app, visitor, session and id. A heartbeat becomes a
 * session touch, not an event. An `init` starts a session.
 *
 * @param input - one element of `data`
 * @param ctx - the request it came in
 * @param text - the event's JSON text as sent, when the caller has it: stored instead of
 *   serializing `input` again (it must parse to `input`)
 * @returns a row, a heartbeat or a rejection
 * @example normalizeNucleusEvent({ type: 'event', name: 'click', id: 7, date: 1737210600000, anonId: 'a1', sessionId: 4821 }, ctx)
 */
export function normalizeNucleusEvent(input: unknown, ctx: IngestContext, text?: string): Normalized {
  let ackId: string | number | null = null;
  try {
    if (input === null || typeof input !== 'object' || Array.isArray(input)) throw new EventProblem('event must be an object');
    const event = input as JsonRecord;
    ackId = ackIdOf(event);
    const type = event.type ?? 'event';
    if (typeof type !== 'string' || type === '' || type.length > 50) throw new EventProblem('type must be a non-empty string of at most 50 characters');
    const name = nameField(event, event.name !== undefined ? 'name' : 'event', type === 'event');
    const anonymousId = idField(event, 'anonId', false) ?? idField(event, 'deviceId', false);
    const userId = idField(event, 'userId', false);
    if (anonymousId === null && userId === null) throw new EventProblem('anonId, deviceId or userId is required');
    const sessionId = sessionIdOf(event.sessionId);
    const clientMs = dateOf(event.date, ctx.receivedMs);
    const payload = objectField(event, 'payload');
    const flags: EventFlag[] = [...ctx.flags];
    const eventMs = correctTime(clientMs, ctx.receivedMs, ctx.skewMs, flags);
    if (type === 'heartbeat') {
      const touch = sessionId === null ? null : { source: ctx.source, anonymousId, userId, sessionId, atMs: eventMs };
      return { kind: 'heartbeat', touch, ackId };
    }
    const problem = checkJson(event);
    if (problem) throw new EventProblem(problem);
    const raw = serializeEvent(event, text);
    // Without an id nothing can be deduped or acknowledged; the event is stored under a fresh key.
    const messageId = ackId === null ? randomUUID() : String(ackId);
    const key = [`${SEP}nucleus`, ctx.source, anonymousId ?? userId, sessionId ?? '', messageId, ackId === null ? 'new' : ''].join(SEP);
    return {
      kind: 'row',
      ackId,
      row: {
        key,
        messageId,
        type,
        name: type === 'event' ? (name as string) : type,
        anonymousId,
        userId,
        sessionId,
        clientMs,
        eventMs,
        receivedMs: ctx.receivedMs,
        source: ctx.source,
        flags,
        raw,
        traits: type === 'props' ? payload : null,
        startsSession: type === 'init',
      },
    };
  } catch (err) {
    if (err instanceof EventProblem) return { kind: 'rejected', ackId, reason: err.reason };
    throw err;
  }
}
