export { wsTransport } from './ws-transport.js';
export type { WsTransport } from './ws-transport.js';
export type { WsTransportState } from './transport-state.js';
export type { WsTransportOptions, WebSocketConstructor, EventEncoder } from './options.js';
export { nucleusEncoder } from './nucleus.js';
export type { NucleusEvent } from './nucleus.js';
