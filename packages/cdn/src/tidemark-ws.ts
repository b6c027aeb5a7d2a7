// The WebSocket script-tag bundle `tidemark-ws.min.js` (global `TidemarkWS`, partysocket
// inside), loaded beside `tidemark.min.js` only by pages that stream events:
// `tidemark.init({ writeKey, transport: TidemarkWS.wsTransport({ url, appId }) })`.
export { wsTransport, nucleusEncoder } from '@tidemark/transport-ws';
