import type { IncomingMessage } from 'node:http';
import { createGunzip, createInflate } from 'node:zlib';
import type { Readable } from 'node:stream';
import { HttpError } from './reply.js';

/**
 * Read a request body, gunzipping `Content-Encoding: gzip` (or `deflate`), and stop at `limit`
 * bytes, counted after decompression so a small gzip bomb cannot expand past it.
 *
 * @param req - the request
 * @param limit - most bytes
 * @returns the body
 * @throws HttpError 413 `payload_too_large`, 415 `unsupported_encoding`, 400 `bad_encoding`
 */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const tooLarge = () => new HttpError(413, 'payload_too_large', `request body is larger than ${Math.round(limit / 1024)} KB`);
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return Promise.reject(tooLarge());
  const encoding = String(req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  let source: Readable = req;
  if (encoding === 'gzip' || encoding === 'x-gzip') source = req.pipe(createGunzip());
  else if (encoding === 'deflate') source = req.pipe(createInflate());
  else if (encoding !== 'identity' && encoding !== '') {
    return Promise.reject(new HttpError(415, 'unsupported_encoding', `Content-Encoding ${encoding} is not supported (use gzip or none)`));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (err: HttpError | null) => {
      if (done) return;
      done = true;
      if (err) {
        if (source !== req) source.destroy();
        reject(err);
      } else resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    };
    source.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) finish(tooLarge());
      else if (!done) chunks.push(chunk);
    });
    source.on('end', () => finish(null));
    source.on('error', () => finish(new HttpError(400, 'bad_encoding', `request body is not valid ${encoding} data`)));
    req.on('aborted', () => finish(new HttpError(400, 'aborted', 'request body was cut off')));
  });
}

/**
 * Parse a body as JSON (a leading byte-order mark is allowed), keeping its text, from which
 * `elementTexts` takes each event's.
 *
 * @param body - the bytes
 * @returns the text (without a byte-order mark) and the parsed value
 * @throws HttpError 400 `malformed_json`
 */
export function parseJson(body: Buffer): { text: string; value: unknown } {
  let text = body.toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  try {
    return { text, value: JSON.parse(text) };
  } catch {
    throw new HttpError(400, 'malformed_json', 'request body is not valid JSON');
  }
}
