import { readBounded } from './bounded-body.js';
import type { RelayRequest } from './relay.js';

/**
 * A Fetch `Request` as the relay reads it.
 *
 * @param request - the request a Fetch-standard server handed over
 * @returns the relay's view of it
 */
export function fetchRelayRequest(request: Request): RelayRequest {
  return {
    method: request.method,
    path: new URL(request.url).pathname,
    header: (name) => request.headers.get(name) ?? '',
    text: async (max) => {
      const bytes = await readBounded(request.body, max);
      return bytes && new TextDecoder().decode(bytes);
    },
  };
}
