import { LIMITS } from '@tidemark/protocol';
import { TidemarkError, type EventContext, type EventType, type JsonObject, type TidemarkEvent } from '@tidemark/core';
import type { EventFields } from './call-forms.js';
import { validateAnonymousId } from './validate-id.js';
import { LIBRARY } from './version.js';

/** Who and when an event is about, already resolved by the client. */
export interface EventStamp {
  anonymousId: string;
  sessionId: number;
  /** User ID of a request-bound client, for calls that name none. */
  userId: string | undefined;
  /** ISO 8601 time of the call, for calls that give no `timestamp`. */
  now: string;
  /** A fresh message ID, for calls that give no `messageId`. */
  messageId: string;
}

/**
 * Turn a call into a wire event: `messageId`, `timestamp`, `anonymousId`,
 * `properties.anonymous_id` and `context.library` on every event. Only cheap checks run here
 * (the hot path budget is 1 µs a call); the 32 KB size check happens once, when the event is
 * serialized for its batch.
 *
 * @param type - the call's kind
 * @param input - the call's fields (the app's object is read, never written)
 * @param ids - the IDs and time to stamp
 * @returns the event
 * @throws TidemarkError `invalid_event` naming the field and the fix
 */
export function buildEvent(type: EventType, input: EventFields, ids: EventStamp): TidemarkEvent {
  const properties = objectOrEmpty(input.properties, 'properties');
  properties.anonymous_id = ids.anonymousId;
  const event: TidemarkEvent = {
    type,
    messageId: input.messageId === undefined ? ids.messageId : messageIdOf(input.messageId),
    timestamp: input.timestamp === undefined ? ids.now : timestampOf(input.timestamp),
    anonymousId: ids.anonymousId,
    // Shallow-copied app values; they become JSON when the batch is serialized.
    properties: properties as JsonObject,
    context: contextOf(input.context, ids.sessionId),
  };
  const userId = input.userId === undefined ? ids.userId : idOf(input.userId, 'userId');
  if (userId !== undefined) event.userId = userId;
  switch (type) {
    case 'track':
      event.event = eventNameOf(input.event);
      break;
    case 'page':
    case 'screen':
      if (input.name !== undefined && input.name !== null) event.name = nameOf(input.name);
      break;
    case 'identify':
      if (input.traits !== undefined && input.traits !== null) event.traits = objectOrEmpty(input.traits, 'traits') as JsonObject;
      if (event.userId === undefined && event.traits === undefined) throw invalid('identify() needs a userId or traits: identify(userId, traits?)');
      break;
    case 'group':
      event.groupId = requiredId(input.groupId, 'groupId', 'group(userId, groupId, traits?)');
      if (input.traits !== undefined && input.traits !== null) event.traits = objectOrEmpty(input.traits, 'traits') as JsonObject;
      break;
    case 'alias':
      event.userId = requiredId(input.userId ?? ids.userId, 'userId', 'alias(newUserId, previousId?)');
      event.previousId = idOf(input.previousId, 'previousId') ?? ids.anonymousId;
      break;
  }
  return event;
}

function invalid(message: string): TidemarkError {
  return new TidemarkError('invalid_event', message);
}

function eventNameOf(value: unknown): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > LIMITS.maxEventNameLength) {
    throw invalid(`track() needs an event name of 1–${LIMITS.maxEventNameLength} characters, e.g. track({ event: 'Purchase Completed' })`);
  }
  return value;
}

function nameOf(value: unknown): string {
  if (typeof value !== 'string' || value.length > LIMITS.maxEventNameLength) {
    throw invalid(`page() name must be a string of at most ${LIMITS.maxEventNameLength} characters`);
  }
  return value;
}

/** A user/group ID: a non-empty string, or a number (database IDs), kept as a string. */
function idOf(value: unknown, field: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string' && value.length > 0) return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  throw invalid(`${field} must be a non-empty string or a number (or null for anonymous events)`);
}

function requiredId(value: unknown, field: string, usage: string): string {
  const id = idOf(value, field);
  if (id === undefined) throw invalid(`${field} is required: ${usage}`);
  return id;
}

/** A shallow copy, so adding `anonymous_id` never touches the caller's object. */
function objectOrEmpty(value: unknown, field: string): Record<string, unknown> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw invalid(`${field} must be a plain object`);
  return shallowCopy(value);
}

/**
 * Copy own enumerable properties. `Object.assign` is ~15× faster than spread here (spread plus
 * one added key falls off V8's fast path), but it assigns `__proto__` as a setter, so a
 * JSON-parsed object with that own key takes the spread, which defines it as plain data.
 */
function shallowCopy(value: object): Record<string, unknown> {
  return Object.prototype.hasOwnProperty.call(value, '__proto__') ? { ...(value as Record<string, unknown>) } : (Object.assign({}, value) as Record<string, unknown>);
}

function timestampOf(value: unknown): string {
  const ms = value instanceof Date ? value.getTime() : typeof value === 'number' ? value : typeof value === 'string' ? Date.parse(value) : NaN;
  if (!Number.isFinite(ms) || Math.abs(ms) > 8.64e15) {
    throw invalid('timestamp must be a valid Date, ms since the epoch or an ISO 8601 string');
  }
  return new Date(ms).toISOString();
}

function messageIdOf(value: unknown): string {
  const check = validateAnonymousId(value);
  if (!check.ok) throw invalid(`messageId must use [A-Za-z0-9_-] and 8–64 characters (${check.reason})`);
  return check.value;
}

function contextOf(extra: unknown, sessionId: number): EventContext {
  if (extra === undefined || extra === null) return { library: LIBRARY, sessionId };
  if (typeof extra !== 'object' || Array.isArray(extra)) throw invalid('context must be a plain object');
  const context = shallowCopy(extra) as EventContext;
  context.library = LIBRARY;
  context.sessionId = sessionId;
  return context;
}
