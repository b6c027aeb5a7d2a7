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

/** A call, whatever form it came in, before validation. */
export interface EventInput {
  type: EventType;
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

const isObjectForm = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/**
 * `track(options)` or the legacy `track(userId, event, properties?)` (`null` = anonymous).
 *
 * @param args - the arguments as called
 * @returns the call as an {@link EventInput}
 * @throws TidemarkError `invalid_event` when neither form fits
 */
export function trackInput(args: unknown[]): EventInput {
  const [first, event, properties] = args;
  if (isObjectForm(first)) return { ...first, type: 'track' };
  if (typeof first === 'string' || typeof first === 'number' || first === null) return { type: 'track', userId: first, event, properties };
  throw formError('track', "track({ event, userId?, properties? }) or track(userId | null, event, properties?)");
}

/**
 * `identify(options)` or `identify(userId, traits?)`.
 *
 * @param args - the arguments as called
 * @returns the call as an {@link EventInput}
 */
export function identifyInput(args: unknown[]): EventInput {
  const [first, traits] = args;
  if (isObjectForm(first)) return { ...first, type: 'identify' };
  return { type: 'identify', userId: first, traits };
}

/**
 * `page(options)` or `page(userId | null, name?, properties?)`.
 *
 * @param args - the arguments as called
 * @returns the call as an {@link EventInput}
 */
export function pageInput(args: unknown[]): EventInput {
  const [first, name, properties] = args;
  if (isObjectForm(first)) return { ...first, type: 'page' };
  return { type: 'page', userId: first, name, properties };
}

/**
 * `group(options)` or `group(userId | null, groupId, traits?)`.
 *
 * @param args - the arguments as called
 * @returns the call as an {@link EventInput}
 */
export function groupInput(args: unknown[]): EventInput {
  const [first, groupId, traits] = args;
  if (isObjectForm(first)) return { ...first, type: 'group' };
  return { type: 'group', userId: first, groupId, traits };
}

/**
 * `alias(options)` or `alias(newUserId, previousId?)`.
 *
 * @param args - the arguments as called
 * @returns the call as an {@link EventInput}
 */
export function aliasInput(args: unknown[]): EventInput {
  const [first, previousId] = args;
  if (isObjectForm(first)) return { ...first, type: 'alias' };
  return { type: 'alias', userId: first, previousId };
}

function formError(method: string, usage: string): TidemarkError {
  return new TidemarkError('invalid_event', `${method}() was called with arguments that fit no form; use ${usage}`);
}
