export { httpTransport } from './http-transport.js';
export type { HttpTransportOptions, FetchLike } from './http-transport.js';
export { chunkEvents, batchBody } from './chunk.js';
export { classifyStatus, parseRetryAfter } from './status.js';
export type { StatusClass } from './status.js';
