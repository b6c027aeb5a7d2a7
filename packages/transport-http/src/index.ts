export { httpTransport } from './http-transport.js';
export type { HttpTransportOptions, FetchLike } from './http-transport.js';
