/**
 * Wire types shared by every Tidemark package and the collector.
 * The event shape follows the Segment spec; see docs/architecture.md, "The event".
 */

/** The kind of call that produced an event. */
export type EventType = 'track' | 'identify' | 'page' | 'screen' | 'group' | 'alias';

/** A JSON value as it travels on the wire. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** A JSON object: properties, traits and context members. */
export type JsonObject = { [key: string]: JsonValue };

/** Page context of a browser event. */
export interface PageContext {
  url: string;
  path: string;
  search: string;
  title: string;
  referrer: string;
}

/** Campaign (UTM) parameters captured at session start. */
export interface CampaignContext {
  source?: string;
  medium?: string;
  name?: string;
  term?: string;
  content?: string;
}

/** The `context` object every event carries. */
export interface EventContext {
  /** The library that produced the event. */
  library: { name: string; version: string };
  /** Session ID: the session's start time in ms since the epoch. */
  sessionId: number;
  /** BCP 47 locale, e.g. `en-GB`. */
  locale?: string;
  /** IANA time zone, e.g. `Europe/Berlin`. */
  timezone?: string;
  page?: PageContext;
  userAgent?: string;
  screen?: { width: number; height: number; density?: number };
  campaign?: CampaignContext;
  clickIds?: Record<string, string>;
  app?: JsonObject;
  os?: JsonObject;
  device?: JsonObject;
  [key: string]: JsonValue | undefined | object;
}

/** One analytics event in the Segment-spec shape used on the wire. */
export interface TidemarkEvent {
  type: EventType;
  /** Unique ID set once at creation; never changes on retry. The collector dedupes on it. */
  messageId: string;
  /** ISO 8601 time when the app made the call. */
  timestamp: string;
  /** Always present: the visitor's anonymous ID. */
  anonymousId: string;
  userId?: string;
  /** Event name of a `track` call. */
  event?: string;
  /** Page or screen name of a `page`/`screen` call. */
  name?: string;
  properties?: JsonObject;
  traits?: JsonObject;
  groupId?: string;
  previousId?: string;
  context: EventContext;
}

/**
 * Ad-click IDs the SDK keeps in `context.clickIds`, in its order of preference: Google, Meta,
 * TikTok, Microsoft, LinkedIn. The collector's attribution reads the same list.
 */
export const CLICK_ID_PARAMS = ['gclid', 'fbclid', 'ttclid', 'msclkid', 'li_fat_id'] as const;
/** One of {@link CLICK_ID_PARAMS}. */
export type ClickIdParam = (typeof CLICK_ID_PARAMS)[number];

/** A valid anonymous ID: the nanoid alphabet, 8–64 characters (UUIDs and nanoids pass). */
export const ANONYMOUS_ID_PATTERN = /^[A-Za-z0-9_-]{8,64}$/;

/** Body of `POST /v1/batch`. */
export interface BatchBody {
  batch: TidemarkEvent[];
  /**
   * The context every event of the batch shares, sent once instead of in each (Segment's
   * batch-level `context`); receivers merge it into each event's own, the event's fields winning.
   */
  context?: Partial<EventContext>;
  /** ISO 8601 time when the request was sent, for clock-skew correction. */
  sentAt: string;
  /** Only where an `Authorization` header cannot be set (sendBeacon). */
  writeKey?: string;
}

/** Answer of `POST /v1/batch` from the reference collector. */
export interface BatchResponse {
  success: boolean;
  rejected?: Array<{ messageId: string; reason: string }>;
}

/** Nucleus-style frame sent by a client: `{ data: [...] }`. */
export interface NucleusFrame<E = TidemarkEvent> {
  data: E[];
}

/** Nucleus-style acknowledgement: the IDs the server has durably stored. */
export interface AckMessage {
  reportedIds: Array<string | number>;
}

/** Body of `POST /v1/receipts`: which of these events has the collector stored? */
export interface ReceiptsBody {
  /** At most 1,000 IDs. */
  messageIds: string[];
  /** Only where an `Authorization` header cannot be set. */
  writeKey?: string;
}

/** Answer of `POST /v1/receipts`: the asked IDs stored under the caller's write key. */
export interface ReceiptsAnswer {
  stored: string[];
}

/** Limits of the wire format (docs/architecture.md, "The event"). */
export const LIMITS = {
  /** Largest serialized event, in bytes. */
  maxEventBytes: 32 * 1024,
  /** Largest batch request body, in bytes. */
  maxBatchBytes: 500 * 1024,
  /** Most events in one batch request. */
  maxBatchEvents: 500,
  /** Keepalive/beacon in-flight budget of a page, in bytes (Fetch spec's 64 KiB quota). */
  maxUnloadBytes: 64 * 1024,
  /** Longest event name. */
  maxEventNameLength: 200,
  /** Longest ID (user, group, previous ID); the collector refuses longer ones. */
  maxIdLength: 200,
  /** Most IDs in one delivery-receipts question (`/v1/receipts`, a `check` frame). */
  maxReceiptIds: 1_000,
} as const;
