import { LIMITS } from '@tidemark/protocol';

/**
 * The limits the collector checks: the wire's own (`LIMITS` of the protocol, the very ones the
 * clients enforce, so a client refuses what the collector would), and two of its own.
 */
export const WIRE_LIMITS = {
  ...LIMITS,
  /** Deepest nesting inside one event (the client's own limit is 20 inside properties). */
  maxDepth: 32,
  /** Largest `/v1/track` metadata, in bytes; more is truncated with a flag. */
  maxMetadataBytes: 4 * 1024,
} as const;
