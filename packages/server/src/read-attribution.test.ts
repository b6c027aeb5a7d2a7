import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readAttribution, type Attribution } from './read-attribution.js';

const AID = 'V1StGXR8_Z5jdHi6B-myT';
const COOKIE_AID = 'cookieAid_0123456789';
const SID = '1732530000000';

// A real node:http server that answers each request with what readAttribution saw in it.
let server: Server;
let port: number;
beforeAll(async () => {
  server = createServer((req: IncomingMessage, res) => {
    const body = JSON.stringify(readAttribution(req));
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

/** GET with raw header lines through node:http (so repeated headers stay repeated). */
function get(headers: Array<[string, string]>): Promise<Attribution> {
  return new Promise((resolve, reject) => {
    const grouped: Record<string, string[]> = {};
    for (const [name, value] of headers) (grouped[name] ??= []).push(value);
    const req = httpRequest({ host: '127.0.0.1', port, path: '/', headers: grouped }, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => {
        try {
          resolve(JSON.parse(text) as Attribution);
        } catch {
          reject(new Error(`HTTP ${res.statusCode}: ${text}`));
        }
      });
    });
    req.on('error', reject);
    req.end();
  });
}

/** Bytes straight onto a socket, for header values a client library would refuse to send. */
function rawRequest(head: Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.end(head));
    let text = '';
    socket.on('data', (c) => (text += c));
    socket.on('end', () => resolve(text));
    socket.on('error', reject);
  });
}

describe('readAttribution on a real node:http server', () => {
  it('reads the anonymous ID and session ID headers', async () => {
    const seen = await get([['x-tidemark-anonymous-id', AID], ['x-tidemark-session-id', SID]]);
    expect(seen).toEqual({ anonymousId: AID, sessionId: Number(SID), source: 'header', sessionSource: 'header', ignored: [] });
  });

  it('falls back to the first-party cookies among others', async () => {
    const seen = await get([['cookie', `theme=dark; tm_aid=${COOKIE_AID}; tm_sid=${SID}; other=x`]]);
    expect(seen).toMatchObject({ anonymousId: COOKIE_AID, sessionId: Number(SID), source: 'cookie' });
  });

  it('prefers the header over the cookie', async () => {
    const seen = await get([['x-tidemark-anonymous-id', AID], ['cookie', `tm_aid=${COOKIE_AID}`]]);
    expect(seen.anonymousId).toBe(AID);
  });

  it('skips a forged header and uses the cookie, naming the reason but not the value', async () => {
    const forged = 'a'.repeat(10 * 1024);
    const seen = await get([['x-tidemark-anonymous-id', forged], ['cookie', `tm_aid=${COOKIE_AID}`]]);
    expect(seen.anonymousId).toBe(COOKIE_AID);
    expect(seen.ignored).toEqual([{ source: 'header', name: 'x-tidemark-anonymous-id', reason: 'too_long' }]);
    expect(JSON.stringify(seen)).not.toContain('aaaaaaaa');
  });

  it('treats a header sent twice as one value joined with a comma, which is invalid', async () => {
    const seen = await get([['x-tidemark-anonymous-id', AID], ['x-tidemark-anonymous-id', 'Another_id_123']]);
    expect(seen.anonymousId).toBeUndefined();
    expect(seen.ignored[0]?.reason).toBe('invalid_characters');
  });

  it('rejects non-ASCII bytes in a header (UTF-8 arrives as latin1 lookalikes)', async () => {
    const head = Buffer.concat([
      Buffer.from('GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\nx-tidemark-anonymous-id: V1StGXR8_Z5jdHi6B-my'),
      Buffer.from('а', 'utf8'), // Cyrillic a
      Buffer.from('\r\n\r\n'),
    ]);
    const response = await rawRequest(head);
    const seen = JSON.parse(response.slice(response.indexOf('\r\n\r\n') + 4)) as Attribution;
    expect(seen.anonymousId).toBeUndefined();
    expect(seen.ignored).toEqual([{ source: 'header', name: 'x-tidemark-anonymous-id', reason: 'invalid_characters' }]);
  });

  it('survives a bare CR in a header: Node answers 400 and the server keeps serving', async () => {
    const response = await rawRequest(Buffer.from('GET / HTTP/1.1\r\nHost: x\r\nx-tidemark-anonymous-id: abcdefgh\rSet-Cookie: x=1\r\n\r\n'));
    expect(response).toMatch(/^HTTP\/1\.1 400/);
    expect((await get([['x-tidemark-anonymous-id', AID]])).anonymousId).toBe(AID);
  });

  it('returns nothing for a request without IDs', async () => {
    expect(await get([])).toEqual({ ignored: [] });
  });
});

describe('readAttribution on other request shapes', () => {
  it('reads a parsed Express body, both field spellings', () => {
    expect(readAttribution({ headers: {}, body: { anonymous_id: AID, session_id: Number(SID) } })).toMatchObject({ anonymousId: AID, sessionId: Number(SID), source: 'body' });
    expect(readAttribution({ headers: {}, body: { anonymousId: AID, sessionId: SID } })).toMatchObject({ anonymousId: AID, sessionId: Number(SID) });
  });

  it('tries the second body field when the first is forged', () => {
    const seen = readAttribution({ headers: {}, body: { anonymous_id: { $ne: null }, anonymousId: AID } });
    expect(seen.anonymousId).toBe(AID);
    expect(seen.ignored).toEqual([{ source: 'body', name: 'anonymous_id', reason: 'not_a_string' }]);
  });

  it('reads a Fetch Request, and a body passed in options', () => {
    const request = new Request('http://localhost/api', { headers: { cookie: `tm_aid=${COOKIE_AID}`, 'x-tidemark-session-id': SID } });
    expect(readAttribution(request)).toMatchObject({ anonymousId: COOKIE_AID, sessionId: Number(SID), source: 'cookie' });
    const bare = new Request('http://localhost/api', { method: 'POST', body: '{}' });
    expect(readAttribution(bare, { body: { anonymous_id: AID } }).anonymousId).toBe(AID);
  });

  it('never treats a stream or a Buffer as a parsed body', () => {
    expect(readAttribution({ headers: {}, body: Buffer.from(`{"anonymous_id":"${AID}"}`) }).anonymousId).toBeUndefined();
    expect(readAttribution({ headers: {}, body: new Request('http://x', { method: 'POST', body: '{}' }).body }).anonymousId).toBeUndefined();
  });

  it('reads custom header and cookie names', () => {
    const seen = readAttribution({ headers: { 'x-visitor': AID, cookie: `sid=${SID}` } }, { anonymousIdHeader: 'X-Visitor', sessionIdCookie: 'sid' });
    expect(seen).toMatchObject({ anonymousId: AID, sessionId: Number(SID) });
  });

  it('marks an array of differing values as multiple_values', () => {
    const seen = readAttribution({ headers: { 'x-tidemark-anonymous-id': [AID, COOKIE_AID] } });
    expect(seen.ignored).toEqual([{ source: 'header', name: 'x-tidemark-anonymous-id', reason: 'multiple_values' }]);
  });

  it('takes the first valid cookie when the browser sends two', () => {
    const seen = readAttribution({ headers: { cookie: `tm_aid=bad!value; tm_aid=${COOKIE_AID}` } });
    expect(seen.anonymousId).toBe(COOKIE_AID);
    expect(seen.ignored).toEqual([{ source: 'cookie', name: 'tm_aid', reason: 'invalid_characters' }]);
  });

  it('copes with requests that have no usable headers', () => {
    expect(readAttribution({ headers: null as never }).anonymousId).toBeUndefined();
  });
});
