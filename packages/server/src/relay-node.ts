import { utf8Length } from '@tidemark/protocol';
import { concatBytes } from './bounded-body.js';
import type { RelayAnswer, RelayRequest } from './relay.js';

/** Node's `IncomingMessage`, as far as the relay reads it (Express adds `originalUrl` and may have parsed `body`). */
interface NodeRequest {
  method?: string;
  url?: string;
  originalUrl?: string;
  headers: Record<string, string | string[] | undefined>;
  body?: unknown;
  readableEnded?: boolean;
  on(event: 'data', listener: (chunk: Uint8Array) => void): unknown;
  on(event: 'end' | 'error' | 'aborted', listener: (error?: Error) => void): unknown;
  removeAllListeners(event: 'data'): unknown;
  destroy(): void;
}

/** How much of a too-large body is read and thrown away (so the client sees the 413) before the socket is cut. */
const DISCARD_BYTES = 64 * 1024 * 1024;

/**
 * Node's `IncomingMessage` (or an Express request) as the relay reads it. A body a parser
 * placed earlier already read (`express.json()`, `express.text()`) is taken from `req.body`.
 *
 * @param req - the request
 * @returns the relay's view of it
 */
export function nodeRelayRequest(req: NodeRequest): RelayRequest {
  const url = req.originalUrl ?? req.url ?? '/';
  return {
    method: req.method ?? '',
    path: url.split('?')[0]!,
    header: (name) => {
      const value = req.headers[name];
      return Array.isArray(value) ? value.join(', ') : value ?? '';
    },
    text: (max) => (req.readableEnded && req.body !== undefined ? Promise.resolve(parsed(req.body, max)) : readStream(req, max)),
  };
}

function parsed(body: unknown, max: number): string | undefined {
  const text = typeof body === 'string' ? body : body instanceof Uint8Array ? new TextDecoder().decode(body) : JSON.stringify(body);
  return utf8Length(text) > max ? undefined : text;
}

/** The body, up to `max` bytes; past it the rest is thrown away, and past 64 MiB the connection is cut. */
function readStream(req: NodeRequest, max: number): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Uint8Array[] = [];
    let total = 0;
    req.on('data', (chunk) => {
      total += chunk.byteLength;
      if (total <= max) return void chunks.push(chunk);
      if (total > DISCARD_BYTES) req.destroy();
      resolve(undefined);
    });
    req.on('end', () => resolve(total > max ? undefined : new TextDecoder().decode(concatBytes(chunks, total))));
    req.on('error', (error) => reject(error));
    req.on('aborted', () => reject(new Error('the client went away')));
  });
}

/**
 * Send a relay answer on a Node/Express response, unless the client is gone.
 *
 * @param res - Node `ServerResponse`
 * @param answer - what to send
 */
export function writeNodeAnswer(res: { headersSent?: boolean; destroyed?: boolean; writeHead(status: number, headers: Record<string, string>): unknown; end(body: string): unknown }, answer: RelayAnswer): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(answer.status, { ...answer.headers, 'content-length': String(utf8Length(answer.body)) });
  res.end(answer.body);
}
