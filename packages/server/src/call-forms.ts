import { TidemarkError, type EventType } from '@tidemark/core';

/** Properties or traits as the app passes them; they travel as JSON. */
export type Properties = Record<string, unknown>;

/** A time the app gives for an event: a `Date`, ms since the epoch or an ISO 8601 string. */
export type TimeInput = Date | number | string;

/** Fields every object-form call accepts. */
export interface CommonOptions {
  /** Your user ID; `null` or omitted for anonymous events. */
  userId?: string | number | null;
  /**
   * The browser's anonymous ID (validated: nanoid alphabet, 8–64 characters). Omitted: the
   * request's ID under `forRequest`/middleware, else the client's own {@link getAnonymousId}.
   */
  anonymousId?: string;
  /** The browser's session ID (its start time in ms). */
  sessionId?: number;
  /** When it happened. @default now */
  timestamp?: TimeInput;
  /** Extra context members (`ip`, `userAgent`, `campaign`…); `library` and `sessionId` are Tidemark's. */
  context?: Properties;
  /**
   * A stable ID for idempotent sends, e.g. a payment provider's event ID, so a redelivered
   * webhook is stored once (same rules as anonymous IDs). @default a new nanoid
   */
  messageId?: string;
}

/** Object form of `track`. */
export interface TrackOptions extends CommonOptions {
  /** Event name, 1–200 characters. */
  event: string;
  properties?: Properties;
}

/** Object form of `identify`. */
export interface IdentifyOptions extends CommonOptions {
  traits?: Properties;
}

/** Object form of `page`. */
export interface PageOptions extends CommonOptions {
  /** Page name, e.g. `Pricing`. */
  name?: string;
  properties?: Properties;
}

/** Object form of `group`. */
export interface GroupOptions extends CommonOptions {
  groupId: string | number;
  traits?: Properties;
}

/** Object form of `alias`. */
export interface AliasOptions extends CommonOptions {
  /** The new user ID. */
  userId: string | number;
  /** The ID it replaces. @default the anonymous ID */
  previousId?: string | number;
}

/**
 * A call's fields, whatever form it came in, before validation. For an object-form call this
 * is the app's own object, read but never written (no copy on the hot path).
 */
export interface EventFields {
  userId?: unknown;
  anonymousId?: unknown;
  sessionId?: unknown;
  timestamp?: unknown;
  context?: unknown;
  messageId?: unknown;
  event?: unknown;
  name?: unknown;
  groupId?: unknown;
  previousId?: unknown;
  properties?: unknown;
  traits?: unknown;
}

/** Reads one method's positional arguments into fields; throws `invalid_event` when no form fits. */
export type FieldReader = (a: unknown, b: unknown, c: unknown) => EventFields;

const isObjectForm = (value: unknown): value is EventFields =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/**
 * `track(options)` or the legacy `track(userId, event, properties?)` (`null` = anonymous).
 *
 * @throws TidemarkError `invalid_event` when neither form fits
 */
export const trackFields: FieldReader = (first, event, properties) => {
  if (isObjectForm(first)) return first;
  if (typeof first === 'string' || typeof first === 'number' || first === null) return { userId: first, event, properties };
  throw new TidemarkError('invalid_event', 'track() was called with arguments that fit no form; use track({ event, userId?, properties? }) or track(userId | null, event, properties?)');
};

/** `identify(options)` or `identify(userId, traits?)`. */
export const identifyFields: FieldReader = (first, traits) => (isObjectForm(first) ? first : { userId: first, traits });

/** `page(options)` or `page(userId | null, name?, properties?)`. */
export const pageFields: FieldReader = (first, name, properties) => (isObjectForm(first) ? first : { userId: first, name, properties });

/** `group(options)` or `group(userId | null, groupId, traits?)`. */
export const groupFields: FieldReader = (first, groupId, traits) => (isObjectForm(first) ? first : { userId: first, groupId, traits });

/** `alias(options)` or `alias(newUserId, previousId?)`. */
export const aliasFields: FieldReader = (first, previousId) => (isObjectForm(first) ? first : { userId: first, previousId });

/** Request-bound `track(event, properties?, options?)` or `track(options)`. */
export const boundTrackFields: FieldReader = (first, properties, options) =>
  isObjectForm(first) ? first : { ...(isObjectForm(options) ? options : {}), event: first, properties };

/** Request-bound `page(name?, properties?, options?)` or `page(options)`. */
export const boundPageFields: FieldReader = (first, properties, options) =>
  isObjectForm(first) ? first : { ...(isObjectForm(options) ? options : {}), name: first, properties };

/** Request-bound `group(groupId, traits?)` or `group(options)`. */
export const boundGroupFields: FieldReader = (first, traits) => (isObjectForm(first) ? first : { groupId: first, traits });
