import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';

/**
 * A request that cannot be served, with the status and the stable code sent back as
 * `{ success: false, status: 'error', code, message }`.
 */
export class HttpError extends Error {
  /**
   * @param status - HTTP status (400, 401, 413, 415, 429, 503…)
   * @param code - stable code: `malformed_json`, `bad_request`, `unauthorized`, `payload_too_large`, …
   * @param message - what went wrong, for a person
   * @param headers - extra response headers (`Retry-After`)
   */
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

/**
 * CORS headers for browser clients. Any origin may send: write keys are public by design, and
 * read keys travel in an `Authorization` header, never in cookies, so `*` leaks nothing.
 */
export const CORS_HEADERS: Record<string, string> = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, POST, OPTIONS',
  'access-control-allow-headers': 'Authorization, Content-Type, Content-Encoding',
  'access-control-max-age': '86400',
};

/**
 * Send a JSON answer with the CORS headers.
 *
 * @param res - the response
 * @param status - HTTP status
 * @param body - value to serialize
 * @param headers - extra headers
 */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent) return;
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...CORS_HEADERS,
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    ...headers,
  });
  res.end(text);
}

/**
 * Send the error answer of an {@link HttpError} (or a 500 for anything else).
 *
 * @param req - the request (its unread body is discarded)
 * @param res - the response
 * @param err - what went wrong
 * @returns true when it was an unexpected error (a 500), which the caller should log
 */
export function sendError(req: IncomingMessage, res: ServerResponse, err: unknown): boolean {
  const known = err instanceof HttpError;
  const status = known ? err.status : 500;
  const code = known ? err.code : 'internal';
  const message = known ? err.message : 'internal error';
  // An unread body would stall a keep-alive connection; drop it and close after answering.
  const unread = !req.complete;
  if (unread) req.resume();
  sendJson(res, status, { success: false, status: 'error', code, message }, { ...(known ? err.headers : {}), ...(unread ? { connection: 'close' } : {}) });
  return !known;
}

/** Answers to requests Node's HTTP parser refused before any handler saw them, by Node's error code. */
const PARSER_ERRORS: Record<string, [status: number, reason: string, code: string, message: string]> = {
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'Request Timeout', 'request_timeout', 'the request did not arrive within the request timeout; send it again'],
  HPE_HEADER_OVERFLOW: [431, 'Request Header Fields Too Large', 'headers_too_large', 'the request headers are too large'],
};
const PARSER_DEFAULT: [number, string, string, string] = [400, 'Bad Request', 'bad_request', 'the request is not valid HTTP/1.1'];

/**
 * Answer a request refused by Node's HTTP parser (bad framing, headers too large, a body that
 * did not arrive within the request timeout) with the same JSON error body as every other
 * refusal, then close: the connection cannot be read further. Nothing is written when an
 * answer has already begun on the socket, or when a connection timed out without sending
 * anything.
 *
 * @param err - the parser's error (its `code` picks the status)
 * @param socket - the client's socket
 */
export function answerClientError(err: NodeJS.ErrnoException, socket: Duplex & { bytesWritten?: number; bytesRead?: number }): void {
  // A connection that timed out before sending a byte (a browser's preconnect) has asked
  // nothing: an answer on it would be read as the answer to the next request sent on it, and
  // the browser would send that request again elsewhere (a copy on the wire).
  const silent = err.code === 'ERR_HTTP_REQUEST_TIMEOUT' && (socket.bytesRead ?? 0) === 0;
  if (silent || !socket.writable || (socket.bytesWritten ?? 0) > 0) {
    socket.destroy();
    return;
  }
  const [status, reason, code, message] = PARSER_ERRORS[err.code ?? ''] ?? PARSER_DEFAULT;
  const body = JSON.stringify({ success: false, status: 'error', code, message });
  const headers = { ...CORS_HEADERS, 'content-type': 'application/json; charset=utf-8', 'content-length': String(Buffer.byteLength(body)), connection: 'close' };
  const head = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`).join('');
  // Written, then cut (as Node does): ending only our side would leave the socket reading, and
  // a request sent on it next would be stored while its answer is this error.
  socket.write(`HTTP/1.1 ${status} ${reason}\r\n${head}\r\n${body}`);
  socket.destroy();
}
