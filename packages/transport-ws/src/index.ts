export { wsTransport } from './ws-transport.js';
export type { WsTransport, WsTransportState } from './ws-transport.js';
export type { WsTransportOptions, WebSocketConstructor, EventEncoder } from './options.js';
export { nucleusEncoder } from './nucleus.js';
export type { NucleusEvent } from './nucleus.js';
