// What the ws test page (served by the test kit's ws-collector.ts) puts on `window`, for the specs'
// page.evaluate callbacks.
import type * as TidemarkWS from '@tidemark/transport-ws';
import type { ClientHelpers } from '@tidemark/test-kit';

declare global {
  interface Window {
    /** The transport's IIFE bundle. */
    TidemarkWS: typeof TidemarkWS;
    /** clientHelpers(), evaluated in the page. */
    helpers: ClientHelpers;
    /** The transport a test made, kept between evaluate calls. */
    transport: TidemarkWS.WsTransport;
  }
}

export {};
