import type { TidemarkOptions, Transport } from '@tidemark/core';

/**
 * Options of `tidemark.init()` on the script tag: every core option except that `transport`
 * is optional, since `host` builds the HTTP one.
 */
export interface ScriptTagOptions extends Omit<TidemarkOptions, 'transport'> {
  /** Collector origin for the HTTP transport, e.g. `https://collector.example` (or `data-host`). */
  host?: string;
  /**
   * Batch path on `host` (or `data-path`), e.g. `/t/batch` for `tidemarkRelay()` of
   * `@tidemark/server` on the site's own origin, which ad blockers leave alone. @default '/v1/batch'
   */
  path?: string;
  /** Delivery-receipts path on `host` (or `data-receipts-path`), e.g. `/t/receipts`. @default '/v1/receipts' */
  receiptsPath?: string;
  /**
   * Another transport instead of HTTP, e.g. `TidemarkWS.wsTransport({ url })` from
   * `tidemark-ws.min.js`, so pages that only use HTTP never download the WebSocket code.
   */
  transport?: Transport;
  /**
   * Record a page view now and after every URL change of a single-page app (`pushState`,
   * `replaceState`, `popstate`), once per change. @default false
   */
  autoPage?: boolean;
}
