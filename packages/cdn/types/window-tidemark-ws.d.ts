// Types of `tidemark-ws.min.js`: the global `TidemarkWS` it defines, from the ESM declarations
// of @tidemark/transport-ws (see window-tidemark.d.ts for why `resolution-mode`).
import type { nucleusEncoder, wsTransport } from '@tidemark/transport-ws' with { 'resolution-mode': 'import' };

declare global {
  /** `tidemark-ws.min.js`: the WebSocket transport of `@tidemark/transport-ws` for script tags. */
  var TidemarkWS: { wsTransport: typeof wsTransport; nucleusEncoder: typeof nucleusEncoder };
}
