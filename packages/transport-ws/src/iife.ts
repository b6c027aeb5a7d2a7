// The script-tag bundle: `TidemarkWS.wsTransport(...)`, with partysocket inside.
export { wsTransport, nucleusEncoder } from './index.js';
