/**
 * A call made before the bundle was ready: the method's name, its arguments, when it was
 * made (ms since the epoch, so the event keeps its original timestamp), and for `flush` the
 * resolver of the promise the caller holds.
 */
export type QueuedCall = [method: string, args: unknown[], at: number, resolve?: (value: unknown) => void];

/**
 * Methods the loader snippet's stub queues. `flush` is queued too, with the resolver of the
 * promise it returns. Kept short: every name costs bytes in the snippet pasted into pages.
 */
export const QUEUED_METHODS = ['init', 'track', 'page', 'identify', 'group', 'alias', 'reset', 'optOut', 'optIn', 'setConsent', 'ready', 'on'] as const;

/** A method name the stub queues. */
export type QueuedMethod = (typeof QUEUED_METHODS)[number] | 'flush';

/**
 * Most calls kept before the client exists (by the snippet's stub, and by `window.tidemark`
 * before `init()`); later ones are dropped, so a page whose bundle is blocked, or that never
 * calls `init()`, cannot grow its memory without end.
 */
export const MAX_QUEUED_CALLS = 1_000;
