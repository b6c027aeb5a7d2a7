/**
 * Where a backend looks for the visitor's IDs. The browser companion of `@tidemark/core`
 * writes exactly these names, so the two sides agree without configuration.
 */
export const ATTRIBUTION_NAMES = {
  /** Request header carrying the browser's anonymous ID. */
  anonymousIdHeader: 'x-tidemark-anonymous-id',
  /** Request header carrying the browser's session ID (its start time in ms). */
  sessionIdHeader: 'x-tidemark-session-id',
  /** First-party cookie mirroring the anonymous ID (opt-in `cookie: true` in the browser). */
  anonymousIdCookie: 'tm_aid',
  /** First-party cookie mirroring the session ID. */
  sessionIdCookie: 'tm_sid',
  /** JSON body fields accepted for the anonymous ID, in order of preference. */
  anonymousIdFields: ['anonymous_id', 'anonymousId'],
  /** JSON body fields accepted for the session ID, in order of preference. */
  sessionIdFields: ['session_id', 'sessionId'],
} as const;

/**
 * `sessionId` of a server event that belongs to no browser session. Amplitude uses the same
 * value for "out of session" events, so session statistics can skip it.
 */
export const NO_SESSION = -1;
