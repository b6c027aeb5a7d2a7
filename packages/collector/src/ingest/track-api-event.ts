import { randomUUID } from 'node:crypto';
import { parseIsoTimestamp } from '../dates.js';
import type { EventFlag, JsonRecord } from '../store/row.js';
import { EventProblem, correctTime, idField, nameField, objectField, serializeEvent } from './fields.js';
import { checkJson } from './json-check.js';
import { WIRE_LIMITS } from './limits.js';
import type { IngestContext, Normalized } from './normalize.js';

/**
 * Keep the leading keys of `metadata` whose JSON fits in 4 KB (the `/track` API's limit).
 *
 * @param metadata - the metadata as sent
 * @returns the metadata, and whether keys were dropped
 */
function truncateMetadata(metadata: JsonRecord): { metadata: JsonRecord; truncated: boolean } {
  if (Buffer.byteLength(JSON.stringify(metadata)) <= WIRE_LIMITS.maxMetadataBytes) return { metadata, truncated: false };
  const kept: JsonRecord = {};
  let bytes = 2; // the braces
  for (const [key, value] of Object.entries(metadata)) {
    const entry = Buffer.byteLength(`${JSON.stringify(key)}:${JSON.stringify(value)},`);
    if (bytes + entry > WIRE_LIMITS.maxMetadataBytes) break;
    kept[key] = value;
    bytes += entry;
  }
  return { metadata: kept, truncated: true };
}

/**
 * Validate the body of `POST /v1/track` (one event: `event`, `user_id`, optional `timestamp`,
 * `metadata` ≤ 4 KB, optional `messageId` for dedupe). A future timestamp becomes the server
 * time; metadata over 4 KB is truncated; both are flagged on the stored row.
 *
 * @param input - the parsed body
 * @param ctx - the request
 * @returns the row (its flags say what was changed) or a rejection
 * @example normalizeTrackApiEvent({ event: 'play', user_id: 'user123', metadata: { song_id: 's1' } }, ctx)
 */
export function normalizeTrackApiEvent(input: unknown, ctx: IngestContext): Normalized {
  try {
    if (input === null || typeof input !== 'object' || Array.isArray(input)) throw new EventProblem('body must be a JSON object');
    const body = input as JsonRecord;
    const name = nameField(body, 'event', true) as string;
    const userId = idField(body, 'user_id', true);
    const messageId = idField(body, 'messageId', false) ?? randomUUID();
    const flags: EventFlag[] = [...ctx.flags];
    let clientMs = ctx.receivedMs;
    if (body.timestamp !== undefined) {
      const parsed = typeof body.timestamp === 'string' ? parseIsoTimestamp(body.timestamp) : null;
      if (parsed === null) throw new EventProblem('timestamp must be an ISO 8601 date-time, e.g. 2025-01-18T14:30:00Z');
      clientMs = parsed;
    }
    const problem = checkJson(body);
    if (problem) throw new EventProblem(problem);
    const given = objectField(body, 'metadata');
    const { metadata, truncated } = given ? truncateMetadata(given) : { metadata: null, truncated: false };
    if (truncated) flags.push('metadata_truncated');
    const eventMs = correctTime(clientMs, ctx.receivedMs, null, flags);
    const stored = { event: name, user_id: userId, timestamp: new Date(eventMs).toISOString(), metadata, messageId };
    return {
      kind: 'row',
      ackId: messageId,
      row: {
        key: messageId,
        messageId,
        type: 'track',
        name,
        anonymousId: null,
        userId,
        sessionId: null,
        clientMs,
        eventMs,
        receivedMs: ctx.receivedMs,
        source: ctx.source,
        flags,
        raw: serializeEvent(stored),
        traits: null,
        startsSession: false,
      },
    };
  } catch (err) {
    if (err instanceof EventProblem) return { kind: 'rejected', ackId: null, reason: err.reason };
    throw err;
  }
}
