import { parseIsoTimestamp } from '../dates.js';
import type { EventFlag, JsonRecord } from '../store/row.js';
import { EventProblem, correctTime, idField, nameField, objectField, serializeEvent, sessionIdOf } from './fields.js';
import { checkJson } from './json-check.js';
import type { IngestContext, Normalized } from './normalize.js';

const TYPES = new Set(['track', 'identify', 'page', 'screen', 'group', 'alias']);

/**
 * Validate one Segment-spec event (docs/architecture.md, "The event") and turn it into a row.
 * Dedupe key: the `messageId` itself (nanoids are unique without a scope).
 *
 * @param input - one element of `batch` or `data`
 * @param ctx - the request it came in
 * @param text - the event's JSON text as sent, when the caller has it: stored instead of
 *   serializing `input` again (it must parse to `input`)
 * @returns the row, or a rejection with the reason
 * @example normalizeSegmentEvent({ type: 'track', messageId: 'm1', event: 'Play', anonymousId: 'a1', … }, ctx)
 */
export function normalizeSegmentEvent(input: unknown, ctx: IngestContext, text?: string): Normalized {
  const messageId = input !== null && typeof input === 'object' ? (input as JsonRecord).messageId : undefined;
  const ackId = typeof messageId === 'string' ? messageId : null;
  try {
    if (input === null || typeof input !== 'object' || Array.isArray(input)) throw new EventProblem('event must be an object');
    const event = input as JsonRecord;
    const id = idField(event, 'messageId', true) as string;
    const type = event.type;
    if (typeof type !== 'string' || !TYPES.has(type)) throw new EventProblem(`type must be one of ${[...TYPES].join(', ')}`);
    const anonymousId = idField(event, 'anonymousId', false);
    const userId = idField(event, 'userId', false);
    if (anonymousId === null && userId === null) throw new EventProblem('anonymousId or userId is required');
    const name = type === 'track' ? nameField(event, 'event', true) : nameField(event, 'name', false);
    if (type === 'group') idField(event, 'groupId', true);
    if (type === 'alias') idField(event, 'previousId', true);
    objectField(event, 'properties');
    const traits = objectField(event, 'traits');
    const context = objectField(event, 'context');
    const sessionId = sessionIdOf(context?.sessionId);
    const flags: EventFlag[] = [...ctx.flags];
    let clientMs = ctx.receivedMs;
    if (event.timestamp !== undefined) {
      const parsed = typeof event.timestamp === 'string' ? parseIsoTimestamp(event.timestamp) : null;
      if (parsed === null) throw new EventProblem('timestamp must be an ISO 8601 date-time, e.g. 2025-01-18T14:30:00.000Z');
      clientMs = parsed;
    }
    const problem = checkJson(event);
    if (problem) throw new EventProblem(problem);
    const raw = serializeEvent(event, text);
    return {
      kind: 'row',
      ackId: id,
      row: {
        key: id,
        messageId: id,
        type,
        name: type === 'track' ? (name as string) : type,
        anonymousId,
        userId,
        sessionId,
        clientMs,
        eventMs: correctTime(clientMs, ctx.receivedMs, ctx.skewMs, flags),
        receivedMs: ctx.receivedMs,
        source: ctx.source,
        flags,
        raw,
        traits: type === 'identify' ? traits : null,
        startsSession: false,
      },
    };
  } catch (err) {
    if (err instanceof EventProblem) return { kind: 'rejected', ackId, reason: err.reason };
    throw err;
  }
}
