// What the ws test page (served by ws-scripted-server.ts) puts on `window`, for the specs'
// page.evaluate callbacks.
import type * as TidemarkWS from '@tidemark/transport-ws';
import type { ClientHelpers } from './ws-client-helpers.js';

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
