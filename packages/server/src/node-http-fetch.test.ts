import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createNodeHttpFetch } from './node-http-fetch.js';

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  server = undefined;
});

describe('the node:http fetch', () => {
  it('reads an answer whose multi-byte character is split between two chunks', async () => {
    const answer = Buffer.from(JSON.stringify({ rejected: [{ messageId: 'm1', reason: 'événement refusé 🌊' }] }));
    const cut = answer.indexOf(0xc3) + 1; // inside the two bytes of "é"
    server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write(answer.subarray(0, cut));
      setTimeout(() => res.end(answer.subarray(cut)), 20);
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const post = createNodeHttpFetch()!;
    try {
      const res = await post(`http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/batch`, { method: 'POST', headers: {}, body: '{}', signal: new AbortController().signal });
      expect(await res.text()).toBe(answer.toString('utf8'));
    } finally {
      post.close();
    }
  });
});
