// A ClickHouse node that dies under a running collector: nothing is acknowledged that is not
// stored, waiting requests are bounded (503 + Retry-After), and writes resume once it is back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startClickHouse, type ClickHouseCluster } from '@tidemark/test-kit';
import { CLICKHOUSE_URL, clickhouseSql, startTestCollector, trackEvent, type TestCollector } from '../test-support/collector-fixture.js';

let cluster: ClickHouseCluster;
let tc: TestCollector;

// Its own node, so killing it leaves the shared one of the route suite alone.
describe.runIf(CLICKHOUSE_URL !== null)('ClickHouse down under a running collector', () => {
  beforeAll(async () => {
    cluster = await startClickHouse();
  }, 30_000);
  afterAll(async () => {
    await tc?.collector.close();
    await cluster?.stop();
  });

  it('answers 503 with Retry-After (never 200) while the node is down, refuses past maxPendingEvents, and stores again after a restart', async () => {
    const url = cluster.urls[0]!;
    tc = await startTestCollector({ store: 'clickhouse', clickhouse: { urls: [url], database: 'tidemark_outage', exportSettleMs: 0, retryBudgetMs: 400, lingerMs: 0 }, maxPendingEvents: 150 });
    const batch = () => ({ batch: Array.from({ length: 50 }, () => trackEvent()), sentAt: new Date().toISOString() });
    expect((await tc.post('/v1/batch', batch())).status).toBe(200);
    cluster.nodes[0]!.kill();
    const answers = await Promise.all(Array.from({ length: 8 }, () => tc.post('/v1/batch', batch())));
    const statuses = answers.map((a) => a.status);
    expect(statuses.every((s) => s === 503)).toBe(true);
    expect(answers.every((a) => a.headers.get('retry-after') === '1')).toBe(true);
    const codes = new Set(answers.map((a) => a.body.code));
    // Three batches fit under 150 waiting events; the rest are refused at once.
    expect(codes).toEqual(new Set(['storage', 'overloaded']));
    expect((await tc.get('/v1/metrics?start_date=2025-01-01&end_date=2025-01-02')).status).toBe(503);
    await cluster.nodes[0]!.restart();
    expect((await tc.post('/v1/batch', batch())).status).toBe(200);
    expect(Number(await clickhouseSql('SELECT count() FROM tidemark_outage.events FINAL', url))).toBe(100);
  }, 60_000);
});
