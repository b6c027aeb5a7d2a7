import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { TidemarkError } from '@tidemark/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startCollector } from '@tidemark/collector';
import { createExportClient } from './export-client.js';

// A real HTTP export API over an in-memory table: the cursor is the last position read, and
// an empty page keeps it (the collector's contract).
let server: Server;
let host: string;
let rows: Array<{ id: number; name: string }>;
let urls: URL[];
let status: number;
let rawBody: string | undefined;
/** What the report routes answer, in the collector's shape. */
const reports: Record<string, unknown> = {
  '/v1/attribution': {
    status: 'success',
    model: 'first_touch',
    conversion: 'Order Completed',
    value: 'revenue',
    windowDays: 7,
    data: [{ source: 'google', medium: 'cpc', campaign: null, clickIdKind: 'gclid', referrerDomain: null, visitors: 1, sessions: 1, conversions: 1, value: 49.9 }],
  },
  '/v1/funnel': { status: 'success', windowDays: 30, data: [{ step: 'Viewed', people: 2, rate: 1 }, { step: 'Bought', people: 1, rate: 0.5 }] },
};

beforeEach(async () => {
  rows = Array.from({ length: 25 }, (_, i) => ({ id: i + 1, name: i % 2 ? 'Odd' : 'Even' }));
  urls = [];
  status = 200;
  rawBody = undefined;
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    urls.push(url);
    if (req.headers.authorization !== 'Bearer rk_test') {
      res.writeHead(401).end(JSON.stringify({ status: 'error', message: 'bad key' }));
      return;
    }
    if (status !== 200 || rawBody !== undefined) {
      res.writeHead(status).end(rawBody ?? JSON.stringify({ status: 'error', message: 'pageSize must be an integer from 1 to 1000\u0007' }));
      return;
    }
    if (url.pathname === '/v1/attribution' || url.pathname === '/v1/funnel') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(reports[url.pathname]));
      return;
    }
    const after = Number(url.searchParams.get('cursor') ?? 0);
    const size = Number(url.searchParams.get('pageSize') ?? 100);
    const names = url.searchParams.get('events')?.split(',');
    const items = rows.filter((r) => r.id > after && (!names || names.includes(r.name))).slice(0, size);
    const nextCursor = String(items.length ? items[items.length - 1]!.id : after);
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ items, nextCursor }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  host = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterEach(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

async function rejection(promise: Promise<unknown>): Promise<TidemarkError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof TidemarkError) return error;
    throw error;
  }
  throw new Error('expected a rejection');
}

describe('createExportClient', () => {
  it('fetches one page with the query as the export API names it', async () => {
    const exporter = createExportClient({ host, readKey: 'rk_test' });
    const page = await exporter.exportEvents({ pageSize: 10, start: 1_440_990_000, end: new Date(1_441_076_400_000), events: ['Odd', 'Even'] });
    expect(page.items).toHaveLength(10);
    expect(page.nextCursor).toBe('10');
    expect(urls[0]?.pathname).toBe('/v1/export/events');
    expect(Object.fromEntries(urls[0]!.searchParams)).toEqual({ pageSize: '10', start: '1440990000', end: '1441076400', events: 'Odd,Even' });
    await exporter.exportSessions({ cursor: 'abc' });
    await exporter.exportUsers();
    expect(urls.map((u) => u.pathname + u.search)).toEqual(['/v1/export/events?pageSize=10&start=1440990000&end=1441076400&events=Odd%2CEven', '/v1/export/sessions?cursor=abc', '/v1/export/users']);
  });

  it('calls the global fetch as a plain function, as Workers and browsers require', async () => {
    const real = globalThis.fetch;
    // Workers and browsers throw when fetch is called as another object's method.
    globalThis.fetch = function (this: unknown, input: RequestInfo | URL, init?: RequestInit) {
      if (this !== undefined && this !== globalThis) throw new TypeError('Illegal invocation');
      return real(input, init);
    } as typeof fetch;
    try {
      const page = await createExportClient({ host, readKey: 'rk_test' }).exportEvents({ pageSize: 5 });
      expect(page.items).toHaveLength(5);
    } finally {
      globalThis.fetch = real;
    }
  });

  it('pages until empty, then resumes from the saved cursor with only new rows', async () => {
    const exporter = createExportClient({ host, readKey: 'rk_test' });
    const run = exporter.pages<{ id: number }>('events', { pageSize: 10 });
    const seen: number[] = [];
    for await (const page of run) seen.push(...page.items.map((i) => i.id));
    expect(seen).toEqual(rows.map((r) => r.id));
    expect(run.cursor).toBe('25');
    expect(urls).toHaveLength(4); // 10 + 10 + 5 + the empty page that ends the run

    rows.push({ id: 26, name: 'Even' }, { id: 27, name: 'Odd' });
    const next = exporter.pages<{ id: number }>('events', { cursor: run.cursor, pageSize: 10 });
    const fresh: number[] = [];
    for await (const page of next) fresh.push(...page.items.map((i) => i.id));
    expect(fresh).toEqual([26, 27]);
    expect(next.cursor).toBe('27');
  });

  it('keeps the starting cursor when there is nothing new', async () => {
    const run = createExportClient({ host, readKey: 'rk_test' }).pages('users', { cursor: '25' });
    for await (const page of run) throw new Error(`unexpected page of ${page.items.length}`);
    expect(run.cursor).toBe('25');
  });

  it('turns failures into coded errors', async () => {
    expect((await rejection(createExportClient({ host, readKey: 'rk_wrong' }).exportEvents())).code).toBe('unauthorized');
    const exporter = createExportClient({ host, readKey: 'rk_test' });
    status = 400;
    const refused = await rejection(exporter.exportEvents());
    expect(refused.code).toBe('rejected');
    expect(refused.message).toContain('pageSize must be an integer from 1 to 1000?');
    status = 503;
    expect((await rejection(exporter.exportEvents())).code).toBe('server');
    status = 200;
    rawBody = '<html>proxy error</html>';
    expect((await rejection(exporter.exportEvents())).code).toBe('protocol');
    rawBody = '{"items":"nope"}';
    expect((await rejection(exporter.exportEvents())).code).toBe('protocol');
    const unreachable = createExportClient({ host: 'http://127.0.0.1:1', readKey: 'rk_test', timeout: 1_000 });
    expect((await rejection(unreachable.exportEvents())).code).toBe('network');
  });

  it('refuses bad options and queries before any request', async () => {
    expect(() => createExportClient({ host, readKey: '' })).toThrow(TidemarkError);
    expect(() => createExportClient({ host: 'ftp://x', readKey: 'rk' })).toThrow(/http: or https:/);
    const exporter = createExportClient({ host, readKey: 'rk_test' });
    expect((await rejection(exporter.exportEvents({ pageSize: 1001 }))).message).toContain('pageSize must be an integer from 1 to 1000');
    expect((await rejection(exporter.exportEvents({ start: 1.5 }))).code).toBe('invalid_option');
    expect((await rejection(exporter.exportEvents({ events: ['a,b'] }))).code).toBe('invalid_option');
    expect((await rejection(exporter.page('sessions', { events: ['x'] }))).code).toBe('invalid_option');
    expect(urls).toHaveLength(0);
  });

  it('asks for attribution and funnel reports and returns them typed', async () => {
    const exporter = createExportClient({ host, readKey: 'rk_test' });
    const attribution = await exporter.attribution({ start: new Date(Date.UTC(2025, 2, 1, 23, 30)), end: '2025-03-31', model: 'first_touch', conversion: 'Order Completed', value: 'revenue', windowDays: 7 });
    expect(Object.fromEntries(urls[0]!.searchParams)).toEqual({ start_date: '2025-03-01', end_date: '2025-03-31', model: 'first_touch', conversion: 'Order Completed', value: 'revenue', window_days: '7' });
    expect(attribution).toEqual({ model: 'first_touch', conversion: 'Order Completed', value: 'revenue', windowDays: 7, rows: [expect.objectContaining({ source: 'google', conversions: 1, value: 49.9 })] });
    const funnel = await exporter.funnel({ start: '2025-03-01', end: '2025-03-31', steps: ['Viewed', 'Bought'] });
    expect(urls[1]!.pathname + urls[1]!.search).toBe('/v1/funnel?start_date=2025-03-01&end_date=2025-03-31&steps=Viewed%2CBought');
    expect(funnel.steps.map((s) => [s.step, s.people, s.rate])).toEqual([['Viewed', 2, 1], ['Bought', 1, 0.5]]);
    expect(funnel.windowDays).toBe(30);
  });

  it('refuses bad report queries before any request, and reads refusals and odd answers as coded errors', async () => {
    const exporter = createExportClient({ host, readKey: 'rk_test' });
    const range = { start: '2025-03-01', end: '2025-03-31' };
    // @ts-expect-error an unknown model
    expect((await rejection(exporter.attribution({ ...range, model: 'linear' }))).code).toBe('invalid_option');
    expect((await rejection(exporter.attribution({ start: '2025-3-1', end: '2025-03-31' }))).message).toContain("start must be a Date or 'YYYY-MM-DD'");
    expect((await rejection(exporter.attribution({ ...range, windowDays: 0 }))).code).toBe('invalid_option');
    expect((await rejection(exporter.attribution({ ...range, conversion: 'a\u0000' }))).code).toBe('invalid_option');
    expect((await rejection(exporter.funnel({ ...range, steps: Array(21).fill('a') }))).message).toContain('1 to 20');
    expect((await rejection(exporter.funnel({ ...range, steps: ['a,b'] }))).message).toContain('commas');
    expect(urls).toHaveLength(0);
    status = 400;
    expect((await rejection(exporter.funnel({ ...range, steps: ['a'] }))).code).toBe('rejected');
    status = 200;
    reports['/v1/funnel'] = { status: 'error', message: 'nope' };
    expect((await rejection(exporter.funnel({ ...range, steps: ['a'] }))).code).toBe('protocol');
  });

  it('reads the reference collector: a backend purchase, re-sent, credited once to the campaign of the identified visitor', async () => {
    const collector = await startCollector({ port: 0, dbPath: ':memory:', writeKeys: ['wk_test'], readKeys: ['rk_test'], logger: { info() {}, warn() {}, error() {} } });
    try {
      const post = (batch: unknown[]) =>
        fetch(`${collector.url}/v1/batch`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from('wk_test:').toString('base64')}` }, body: JSON.stringify({ batch, sentAt: new Date().toISOString() }) });
      const context = { library: { name: 'tidemark', version: '1' }, sessionId: 1, campaign: { source: 'google', name: 'spring' }, clickIds: { gclid: 'G-1' } };
      const purchase = { type: 'track', messageId: 'evt_paid_1', timestamp: '2025-03-01T10:10:00Z', anonymousId: 'srv-anon-1', userId: 'u-1', event: 'Order Completed', properties: { revenue: 49.9 }, context: { library: { name: '@tidemark/server', version: '1' }, sessionId: 2 } };
      await post([{ type: 'page', messageId: 'p-1', timestamp: '2025-03-01T10:00:00Z', anonymousId: 'anon-1', context }, { type: 'identify', messageId: 'i-1', timestamp: '2025-03-01T10:01:00Z', anonymousId: 'anon-1', userId: 'u-1', context }]);
      await post([purchase]);
      await post([purchase]);
      const exporter = createExportClient({ host: collector.url, readKey: 'rk_test' });
      const { rows } = await exporter.attribution({ start: '2025-03-01', end: '2025-03-01' });
      expect(rows).toEqual([{ source: 'google', medium: 'cpc', campaign: 'spring', clickIdKind: 'gclid', referrerDomain: null, visitors: 1, sessions: 1, conversions: 1, value: 49.9 }]);
      const { steps } = await exporter.funnel({ start: '2025-03-01', end: '2025-03-01', steps: ['page', 'Order Completed'] });
      expect(steps).toEqual([{ step: 'page', people: 1, rate: 1 }, { step: 'Order Completed', people: 1, rate: 1 }]);
      expect((await rejection(exporter.attribution({ start: '2025-03-02', end: '2025-03-01' }))).message).toContain('end_date must not be before start_date');
    } finally {
      await collector.close();
    }
  });
});
