import { cookieValues } from '@tidemark/protocol';
import { ATTRIBUTION_NAMES } from './attribution-names.js';
import { headerOf, parsedBodyOf, type RequestLike } from './request-shape.js';
import { validateAnonymousId, validateSessionId, type IdCheck, type IdRejectReason } from './validate-id.js';

/**
 * Where a value was found.
 * - `header`: `x-tidemark-anonymous-id` / `x-tidemark-session-id` (set by `attributionHeaders()`).
 * - `cookie`: the first-party cookies `tm_aid` / `tm_sid` (the browser's `cookie: true`).
 * - `body`: a JSON body field `anonymous_id`/`anonymousId`, `session_id`/`sessionId`.
 */
export type AttributionSource = 'header' | 'cookie' | 'body';

/** A candidate that was present but failed validation, and why. Its value is not kept. */
export interface IgnoredId {
  source: AttributionSource;
  /** The header, cookie or field name it came in. */
  name: string;
  reason: IdRejectReason;
}

/** What a request says about the visitor. */
export interface Attribution {
  /** The browser's anonymous ID, validated, or undefined when the request carried none. */
  anonymousId: string | undefined;
  /** The browser's session ID (start time in ms), validated, or undefined. */
  sessionId: number | undefined;
  /** Where `anonymousId` came from. */
  source: AttributionSource | undefined;
  /** Where `sessionId` came from. */
  sessionSource?: AttributionSource | undefined;
  /** Candidates that were present but ignored (forged, malformed, oversized). */
  ignored: IgnoredId[];
}

/** Names to read; defaults are {@link ATTRIBUTION_NAMES}. */
export interface AttributionOptions {
  /** @default 'x-tidemark-anonymous-id' */
  anonymousIdHeader?: string;
  /** @default 'x-tidemark-session-id' */
  sessionIdHeader?: string;
  /** @default 'tm_aid' */
  anonymousIdCookie?: string;
  /** @default 'tm_sid' */
  sessionIdCookie?: string;
  /** A parsed JSON body to read when the request object does not carry one (Fetch). */
  body?: unknown;
}

type Candidate = { source: AttributionSource; name: string; value: unknown };

/**
 * Read the visitor's anonymous ID and session ID from a request: the header first, then the
 * first-party cookie, then a parsed JSON body. Every candidate is validated (nanoid alphabet,
 * 8–64 characters; session IDs as positive integers); a bad one is skipped with a reason and
 * the next source is tried, so a forged header cannot mask a good cookie.
 *
 * @param request - Node `IncomingMessage`, an Express/Connect request or a Fetch `Request`
 * @param options - other header/cookie names, or a body parsed elsewhere
 * @returns the IDs found (each may be undefined) and what was ignored
 * @example
 * const { anonymousId, sessionId } = readAttribution(req);
 */
export function readAttribution(request: RequestLike, options: AttributionOptions = {}): Attribution {
  const names = {
    anonymousIdHeader: options.anonymousIdHeader || ATTRIBUTION_NAMES.anonymousIdHeader,
    sessionIdHeader: options.sessionIdHeader || ATTRIBUTION_NAMES.sessionIdHeader,
    anonymousIdCookie: options.anonymousIdCookie || ATTRIBUTION_NAMES.anonymousIdCookie,
    sessionIdCookie: options.sessionIdCookie || ATTRIBUTION_NAMES.sessionIdCookie,
  };
  const cookie = headerOf(request, 'cookie');
  const body = options.body === undefined ? parsedBodyOf(request) : parsedBodyOf({ headers: {}, body: options.body });
  const ignored: IgnoredId[] = [];

  const anonymous = pick(
    [
      { source: 'header', name: names.anonymousIdHeader, values: headerValues(headerOf(request, names.anonymousIdHeader.toLowerCase())) },
      { source: 'cookie', name: names.anonymousIdCookie, values: cookieValues(cookie, names.anonymousIdCookie) },
      ...bodyFields(body, ATTRIBUTION_NAMES.anonymousIdFields),
    ],
    validateAnonymousId,
    ignored,
  );
  const session = pick(
    [
      { source: 'header', name: names.sessionIdHeader, values: headerValues(headerOf(request, names.sessionIdHeader.toLowerCase())) },
      { source: 'cookie', name: names.sessionIdCookie, values: cookieValues(cookie, names.sessionIdCookie) },
      ...bodyFields(body, ATTRIBUTION_NAMES.sessionIdFields),
    ],
    validateSessionId,
    ignored,
  );
  return { anonymousId: anonymous?.value, sessionId: session?.value, source: anonymous?.source, sessionSource: session?.source, ignored };
}

type Source = { source: AttributionSource; name: string; values: unknown[] | 'multiple' };

/** The first candidate that validates; every failure before it is recorded. */
function pick<T>(sources: Source[], check: (v: unknown) => IdCheck<T>, ignored: IgnoredId[]): { value: T; source: AttributionSource } | undefined {
  for (const { source, name, values } of sources) {
    if (values === 'multiple') {
      ignored.push({ source, name, reason: 'multiple_values' });
      continue;
    }
    for (const value of values) {
      const verdict = check(value);
      if (verdict.ok) return { value: verdict.value, source };
      ignored.push({ source, name, reason: verdict.reason });
    }
  }
  return undefined;
}

/** A header's candidates: Node hands repeated headers over as an array, which is ambiguous. */
function headerValues(value: string | string[] | undefined): unknown[] | 'multiple' {
  if (value === undefined) return [];
  if (!Array.isArray(value)) return [value];
  return new Set(value).size === 1 ? [value[0]] : 'multiple';
}

function bodyFields(body: Record<string, unknown> | undefined, fields: readonly string[]): Source[] {
  if (!body) return [];
  return fields
    .filter((field) => Object.prototype.hasOwnProperty.call(body, field) && body[field] !== undefined && body[field] !== null)
    .map((field) => ({ source: 'body' as const, name: field, values: [body[field]] }));
}
