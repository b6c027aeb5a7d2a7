import type { SendContext } from '@tidemark/core';

/**
 * What the sends told the transport: the write key the socket connects with (the
 * `writeKey` option, else the latest non-empty one a send's context carried) and the latest
 * context, which events handed to the fallback travel with.
 *
 * @example
 * const contexts = new SendContexts(undefined);
 * contexts.remember({ writeKey: 'wk_live' });
 * contexts.writeKey; // 'wk_live'
 */
export class SendContexts {
  #pinned: string | undefined;
  #learnt: string | undefined;
  #last: SendContext = { writeKey: '' };

  /** @param pinned - the `writeKey` option; when set, no send's context changes the key */
  constructor(pinned: string | undefined) {
    this.#pinned = pinned;
  }

  /** The write key to connect with, if any is known. */
  get writeKey(): string | undefined {
    return this.#pinned ?? this.#learnt;
  }

  /** Whether the key comes from the options, so that no send can bring another. */
  get pinned(): boolean {
    return this.#pinned !== undefined;
  }

  /** The context of the latest send (`{ writeKey: '' }` before any). */
  get last(): SendContext {
    return this.#last;
  }

  /**
   * Take in a send's context. Anything but an object is ignored: the core always passes
   * one, but nothing may throw after set-up.
   *
   * @param ctx - what the send was given
   */
  remember(ctx: SendContext): void {
    if (!ctx || typeof ctx !== 'object') return;
    this.#last = ctx;
    if (typeof ctx.writeKey === 'string' && ctx.writeKey) this.#learnt = ctx.writeKey;
  }
}

/**
 * The socket's URL: the collector's track route for the app, with the write key in the query.
 *
 * @param base - the collector's base URL, `ws(s)://`, without a trailing slash
 * @param appId - the app ID, the last path segment but one
 * @param writeKey - sent as `?writeKey=` when known
 * @returns the URL to connect to
 * @example endpointUrl('wss://c.example', 'my app', 'wk_1') // 'wss://c.example/app/my%20app/track?writeKey=wk_1'
 */
export function endpointUrl(base: string, appId: string, writeKey: string | undefined): string {
  return `${base}/app/${encodeURIComponent(appId)}/track${writeKey ? `?writeKey=${encodeURIComponent(writeKey)}` : ''}`;
}
