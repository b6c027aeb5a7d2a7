// A real HTTP server on 127.0.0.1 that speaks the batch wire format and records what arrives.
// Tests script its failures (500s for a while, a poisoned event, 401) and read back the
// events, counting duplicates by messageId. It also serves static files for browser pages.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { TidemarkEvent } from '@tidemark/core';

/** One request the server received. */
export interface ReceivedRequest {
  path: string;
  status: number;
  contentType: string;
  encoding: string;
  authorization: string;
  bodyWriteKey?: string;
  events: TidemarkEvent[];
  bytes: number;
}

/** A running recording server. */
export interface RecordingServer {
  url: string;
  /** Every request to the batch path. */
  requests: ReceivedRequest[];
  /** Events stored, first copy of each messageId, in arrival order. */
  events: TidemarkEvent[];
  /** Copies of a messageId received after the first. */
  duplicates: number;
  /** Answer the next batch requests with this status (until cleared with `undefined`). */
  failWith(status: number | undefined, retryAfter?: string): void;
  /** Answer 400 to any batch that contains one of these messageIds or event names. */
  poison: Set<string>;
  /** Route static paths (`/page.html`) to files. */
  serve(path: string, file: string): void;
  close(): Promise<void>;
}

const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.map': 'application/json' };

/**
 * Start a recording server.
 *
 * @param writeKey - the accepted write key
 * @returns the server
 */
export async function startRecordingServer(writeKey = 'wk_test'): Promise<RecordingServer> {
  const files = new Map<string, string>();
  const seen = new Set<string>();
  let failure: { status: number; retryAfter: string | undefined } | undefined;
  const state: Omit<RecordingServer, 'url' | 'close' | 'failWith' | 'serve'> = { requests: [], events: [], duplicates: 0, poison: new Set() };

  const server = createServer(async (req, res) => {
    try {
      await handle(req, res);
    } catch (err) {
      res.writeHead(500).end(String(err));
    }
  });

  async function handle(req: IncomingMessage, res: ServerResponse) {
    res.setHeader('Access-Control-Allow-Origin', '*');
    res.setHeader('Access-Control-Allow-Headers', 'Content-Type, Authorization, Content-Encoding');
    const path = (req.url ?? '/').split('?')[0]!;
    if (req.method === 'OPTIONS') return void res.writeHead(204).end();
    if (req.method === 'GET') {
      const file = files.get(path);
      if (!file) return void res.writeHead(404).end();
      res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream', 'Cache-Control': 'no-store' });
      return void res.end(await readFile(file));
    }
    if (req.method !== 'POST' || path !== '/v1/batch') return void res.writeHead(404).end();
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    let raw = Buffer.concat(chunks);
    const encoding = String(req.headers['content-encoding'] ?? '');
    if (encoding === 'gzip') raw = gunzipSync(raw);
    const body = JSON.parse(raw.toString('utf8')) as { batch: TidemarkEvent[]; writeKey?: string };
    const record: ReceivedRequest = {
      path,
      status: 200,
      contentType: String(req.headers['content-type'] ?? ''),
      encoding,
      authorization: String(req.headers.authorization ?? ''),
      events: body.batch,
      bytes: raw.length,
    };
    if (body.writeKey !== undefined) record.bodyWriteKey = body.writeKey;
    state.requests.push(record);
    const basic = `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}`;
    const answer = (status: number, json: unknown = {}, headers: Record<string, string> = {}) => {
      record.status = status;
      res.writeHead(status, { 'Content-Type': 'application/json', ...headers }).end(JSON.stringify(json));
    };
    if (record.authorization !== basic && record.bodyWriteKey !== writeKey) return answer(401, { error: 'unauthorized' });
    if (failure) return answer(failure.status, {}, failure.retryAfter ? { 'Retry-After': failure.retryAfter } : {});
    if (body.batch.some((e) => state.poison.has(e.messageId) || state.poison.has(e.event ?? ''))) return answer(400, { error: 'poisoned' });
    for (const event of body.batch) {
      if (seen.has(event.messageId)) state.duplicates++;
      else seen.add(event.messageId), state.events.push(event);
    }
    answer(200, { success: true });
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(state, {
    url: `http://127.0.0.1:${port}`,
    failWith(status: number | undefined, retryAfter?: string) {
      failure = status === undefined ? undefined : { status, retryAfter };
    },
    serve(path: string, file: string) {
      files.set(path, file);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  }) as RecordingServer;
}
