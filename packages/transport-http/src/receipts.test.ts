import { describe, expect, it } from 'vitest';
import { httpTransport } from './http-transport.js';

/** A fetch answering every request with `status` and `body`, recording the requests. */
function answering(status: number, body: unknown, headers: Record<string, string> = {}) {
  const requests: Array<{ url: string; init: RequestInit }> = [];
  const fetch = (async (url: string, init: RequestInit) => {
    requests.push({ url, init });
    return new Response(body === undefined ? null : JSON.stringify(body), { status, headers });
  }) as unknown as typeof globalThis.fetch;
  return { fetch, requests };
}

describe('httpTransport check (delivery receipts)', () => {
  it('asks POST /v1/receipts with the write key and reads { stored }', async () => {
    const f = answering(200, { stored: ['a'] });
    const result = await httpTransport({ host: 'https://c.example/', fetch: f.fetch }).check!(['a', 'b'], { writeKey: 'wk' });
    expect(result).toEqual({ stored: ['a'] });
    expect(f.requests[0]!.url).toBe('https://c.example/v1/receipts');
    expect(JSON.parse(String(f.requests[0]!.init.body))).toEqual({ messageIds: ['a', 'b'] });
    expect((f.requests[0]!.init.headers as Record<string, string>).Authorization).toBe(`Basic ${btoa('wk:')}`);
  });

  it.each([404, 405])('reads %i as a collector without receipts', async (status) => {
    const result = await httpTransport({ host: 'https://c.example', fetch: answering(status, undefined).fetch }).check!(['a'], { writeKey: 'wk' });
    expect(result).toEqual({ stored: [], unsupported: true });
  });

  it('reads a 503 as a failure to retry, with Retry-After', async () => {
    const result = await httpTransport({ host: 'https://c.example', fetch: answering(503, undefined, { 'retry-after': '7' }).fetch }).check!(['a'], { writeKey: 'wk' });
    expect(result.error?.code).toBe('server');
    expect(result.retryAfterMs).toBe(7000);
    expect(result.stored).toEqual([]);
  });

  it('reads a 200 without a stored list as a failure, not as "nothing stored"', async () => {
    const result = await httpTransport({ host: 'https://c.example', fetch: answering(200, { ok: true }).fetch }).check!(['a'], { writeKey: 'wk' });
    expect(result.error?.code).toBe('protocol');
  });

  it('reads a network failure as a failure to retry', async () => {
    const fetch = (async () => {
      throw new TypeError('Failed to fetch');
    }) as unknown as typeof globalThis.fetch;
    const result = await httpTransport({ host: 'https://c.example', fetch }).check!(['a'], { writeKey: 'wk' });
    expect(result.error?.code).toBe('network');
  });
});
