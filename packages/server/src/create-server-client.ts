import { ServerClient } from './server-client.js';
import type { ServerClientOptions } from './server-options.js';

/**
 * Create the server-side client. Options out of range throw a `TidemarkError` with code
 * `invalid_option` at once; after that, nothing throws.
 *
 * @param options - `{ writeKey | apiKey, host, flushAt, flushInterval, timeout, retryLimit,
 *   maxQueueSize, maxQueueBytes, spool, maxConcurrentRequests, debug, onError, onDrop, fetch,
 *   clock }`, or the write key alone
 * @returns the client
 * @example
 * const client = createServerClient({ writeKey: process.env.TIDEMARK_WRITE_KEY!, host: 'https://collector.example.com' });
 * await client.track({ event: 'Purchase Completed', userId: 'u1', anonymousId: req.body.anonymous_id });
 * process.on('SIGTERM', async () => { await client.close(); process.exit(0); });
 * // Durable: kept in files across crashes and restarts (Node only).
 * const spooled = createServerClient({ writeKey: 'wk_…', spool: { dir: '/var/lib/my-app/tidemark' } });
 */
export function createServerClient(options: ServerClientOptions | string): ServerClient {
  return new ServerClient(options);
}
