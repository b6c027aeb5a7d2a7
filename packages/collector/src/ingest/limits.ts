/**
 * Limits of the wire format (docs/architecture.md, "The event"). They mirror `LIMITS` of
 * `@tidemark/core`, which the collector cannot import at runtime (it depends on no client package).
 */
export const WIRE_LIMITS = {
  /** Largest serialized event, in bytes. */
  maxEventBytes: 32 * 1024,
  /** Largest request body (and WebSocket frame), in bytes, after gunzip. */
  maxBodyBytes: 500 * 1024,
  /** Longest event name. */
  maxNameLength: 200,
  /** Longest ID (messageId, anonymousId, userId…). */
  maxIdLength: 200,
  /** Deepest nesting inside one event (the client's own limit is 20 inside properties). */
  maxDepth: 32,
  /** Largest `/v1/track` metadata, in bytes; more is truncated with a flag. */
  maxMetadataBytes: 4 * 1024,
} as const;
