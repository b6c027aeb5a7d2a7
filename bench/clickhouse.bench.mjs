// ClickHouse bench: the built collector CLI ingesting into one ClickHouse node and into three
// replicas (insert_quorum=2), beside SQLite under the same load (64 requests of 100 unique
// events in flight, so group commits reach ClickHouse's 1,000–5,000-row inserts), each
// checked afterwards: acknowledged = stored once. Then query latency of metrics, sessions and
// export over 1,000,000 events generated in the server. CPU time of the collector, the
// ClickHouse server(s) and this load generator is reported for the one-node phase, to show
// where two shared cores go, beside the rate of the server alone (inserts sent straight to it).
// Runs on its own: `node bench/clickhouse.bench.mjs` (after `pnpm build`).
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpuSecondsOf } from './process-cpu.mjs';
import { clickhouseMissing, startClickHouse } from '../packages/test-kit/src/clickhouse/cluster.mjs';
import { drive, httpWorker, startCollector, storedEvents, withCollector } from './collector.bench.mjs';

const IN_FLIGHT = 64;
const READ_KEY = 'rk_bench';
const QUERY_EVENTS = 1_000_000;
const CORES = availableParallelism();

async function sql(url, query) {
  const res = await fetch(`${url}/`, { method: 'POST', body: query });
  const text = await res.text();
  if (!res.ok) throw new Error(`ClickHouse: ${text}`);
  return text.trim();
}

/** Ingest through a collector on `flags`; returns the drive result and CPU use per process. */
function ingest(label, flags, check, serverPids = []) {
  return withCollector(label, flags, async (collector) => {
    const pids = { collector: collector.pid, clickhouse: serverPids };
    const before = { collector: cpuSecondsOf(pids.collector), clickhouse: serverPids.map(cpuSecondsOf), self: process.cpuUsage() };
    const result = await drive(httpWorker(collector.url), IN_FLIGHT);
    const self = process.cpuUsage(before.self);
    // µs of CPU per acknowledged event (warm-up included on both sides of the division).
    const perEvent = (cpuSecondsUsed) => (cpuSecondsUsed * 1e6) / result.allEvents;
    result.cpu = {
      collector: perEvent(cpuSecondsOf(pids.collector) - before.collector),
      clickhouse: perEvent(serverPids.reduce((sum, pid, i) => sum + cpuSecondsOf(pid) - before.clickhouse[i], 0)),
      load: perEvent((self.user + self.system) / 1e6),
    };
    return result;
  }, check);
}

/**
 * The server's own ceiling: 5,000-row TabSeparated inserts of events shaped like the
 * collector's (built once, so this process costs little), two in flight, for 3 s.
 */
async function insertCeiling(url) {
  const database = 'tidemark_ceiling';
  const dir = mkdtempSync(join(tmpdir(), 'tidemark-bench-chc-'));
  const setup = await startCollector(dir, ['--store', 'clickhouse', '--clickhouse-url', url, '--clickhouse-database', database]);
  await setup.stop();
  rmSync(dir, { recursive: true, force: true });
  const raw = JSON.stringify({ type: 'track', messageId: 'x', event: 'Button Clicked', properties: { button: 'buy', price: 19.99 }, context: { library: { name: 'tidemark', version: '0.1.0' }, page: { url: 'https://shop.example/p/42?ref=bench' }, userAgent: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36' } });
  // The columns as the collector's schema made them (the schema's own file is the one list),
  // in table order; each line gives them in that order.
  const columns = (await sql(url, `DESCRIBE TABLE ${database}.events FORMAT TabSeparated`)).split('\n').map((line) => line.split('\t')[0]);
  let n = 0;
  const block = () =>
    Array.from({ length: 5000 }, () => {
      n += 1;
      const ord = Date.now() * 1000 + n;
      const row = { source: 'wk_bench', day: '2025-01-01', key: `c${n}`, ord, ver: 9e15 - ord, sess_ord: ord, user_ord: ord, message_id: `c${n}`, type: 'track', name: 'Button Clicked', anonymous_id: 'v1', user_id: '', session_id: '1', session_key: 'v1/1', user_key: 'v1', client_ms: 1, event_ms: 1, received_ms: 1, flags: '', raw, traits: '', starts_session: 0 };
      // None of these values needs a TabSeparated escape.
      return columns.map((column) => {
        if (!(column in row)) throw new Error(`insertCeiling: no value for the column ${column}`);
        return row[column];
      }).join('\t');
    }).join('\n');
  const bodies = Array.from({ length: 8 }, block);
  const deadline = Date.now() + 3000;
  let rows = 0;
  const started = Date.now();
  await Promise.all(
    [0, 1].map(async (lane) => {
      for (let i = lane; Date.now() < deadline; i += 2) {
        await sql(url, `INSERT INTO ${database}.events (${columns.join(', ')}) FORMAT TabSeparated\n${bodies[i % bodies.length]}`);
        rows += 5000;
      }
    }),
  );
  return (rows * 1000) / (Date.now() - started);
}

/** Median of `runs` timings of a GET (after one warm-up). */
async function latency(url, path, runs = 5) {
  const get = async () => {
    const res = await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${READ_KEY}` } });
    if (res.status !== 200) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    return res.json();
  };
  await get();
  const times = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await get();
    times.push(performance.now() - t0);
  }
  return times.sort((a, b) => a - b)[Math.floor(runs / 2)];
}

/** Fill a database with `n` events over 30 days (10-event sessions, 20,000 visitors), in the server. */
async function generate(url, database, n) {
  const start = Date.parse('2025-01-01T00:00:00Z');
  const step = Math.floor((30 * 86_400_000) / n);
  const visitor = "concat('v', toString(intDiv(number, 10) % 20000))";
  await sql(
    url,
    `INSERT INTO ${database}.events (source, day, key, ord, ver, sess_ord, user_ord, message_id, type, name, anonymous_id, user_id, session_id, session_key, user_key, client_ms, event_ms, received_ms, flags, raw, traits, starts_session)
     SELECT 'wk_bench', toDate(toDateTime(intDiv(ms, 1000))), concat('g', toString(number)), ord, 9000000000000000 - ord, ord, ord,
       concat('g', toString(number)), 'track', arrayElement(['Page Viewed', 'Button Clicked', 'Product Added', 'Checkout Started', 'Signed Up'], (number % 5) + 1),
       ${visitor}, '', toString(intDiv(number, 10)), concat(${visitor}, '/', toString(intDiv(number, 10))), ${visitor},
       ms, ms, ms, '', concat('{"type":"track","messageId":"g', toString(number), '","event":"Button Clicked","properties":{"button":"buy","price":19.99}}'), '', 0
     FROM (SELECT number, ${start} + number * ${step} AS ms, (${start} + number * ${step}) * 1000 AS ord FROM numbers(${n}))`,
  );
}

async function queryLatencies(url) {
  const database = 'tidemark_query';
  const dir = mkdtempSync(join(tmpdir(), 'tidemark-bench-chq-'));
  // The first collector creates the tables; the events are then generated in the server.
  const setup = await startCollector(dir, ['--store', 'clickhouse', '--clickhouse-url', url, '--clickhouse-database', database]);
  await setup.stop();
  await generate(url, database, QUERY_EVENTS);
  const collector = await startCollector(dir, ['--store', 'clickhouse', '--clickhouse-url', url, '--clickhouse-database', database]);
  try {
    const count = Number(await sql(url, `SELECT count() FROM ${database}.events FINAL`));
    if (count !== QUERY_EVENTS) throw new Error(`generated ${count} events`);
    const range = 'start_date=2025-01-01&end_date=2025-01-30';
    return {
      metrics: await latency(collector.url, `/v1/metrics?${range}`),
      metricsWeek: await latency(collector.url, `/v1/metrics?${range}&group_by=week`),
      sessions: await latency(collector.url, `/v1/sessions?${range}`),
      exportEvents: await latency(collector.url, '/v1/export/events?pageSize=1000'),
      exportSessions: await latency(collector.url, '/v1/export/sessions?pageSize=1000'),
      exportUsers: await latency(collector.url, '/v1/export/users?pageSize=1000'),
    };
  } finally {
    await collector.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

export default async function clickhouseBench() {
  const missing = clickhouseMissing({ replicas: 3 });
  if (missing) throw new Error(missing);
  const rows = [];
  const row = (metric, value, unit, extra = {}) => rows.push({ area: 'clickhouse', metric, value, unit, ...extra });

  const sqlite = await ingest('sqlite', [], storedEvents);
  row(`SQLite ingest, same load (${IN_FLIGHT} in flight, 100 events each)`, sqlite.rate, 'events/s');

  const one = await startClickHouse();
  try {
    const url = one.urls[0];
    const flags = ['--store', 'clickhouse', '--clickhouse-url', url, '--clickhouse-database', 'tidemark_ingest'];
    const r = await ingest('clickhouse', flags, async () => Number(await sql(url, 'SELECT count() FROM tidemark_ingest.events FINAL')), [one.nodes[0].pid]);
    row(`ClickHouse, one node: ingest (${IN_FLIGHT} in flight, 100 events each)`, r.rate, 'events/s', { budget: 100_000, better: 'higher' });
    row('ClickHouse, one node: ack latency p50', r.p50, 'ms');
    row('ClickHouse, one node: ack latency p99', r.p99, 'ms');
    row('ClickHouse, one node: CPU per event of the collector', r.cpu.collector, 'µs');
    row('ClickHouse, one node: CPU per event of clickhouse-server (inserts, lookups, merges)', r.cpu.clickhouse, 'µs');
    row('ClickHouse, one node: CPU per event of the load generator', r.cpu.load, 'µs');
    // The three share this machine's cores: with the collector's own cost at zero, the
    // server and the load generator alone would still stop here.
    row(`platform: ceiling of the ingest row on ${CORES} cores, the collector's CPU at zero (cores ÷ (server + load generator))`, (CORES * 1e6) / (r.cpu.clickhouse + r.cpu.load), 'events/s');
    row('ClickHouse, one node, no collector: 5,000-row TabSeparated inserts, 2 in flight', await insertCeiling(url), 'rows/s');
    const q = await queryLatencies(url);
    row('1,000,000 events: /v1/metrics, 30 days by day', q.metrics, 'ms');
    row('1,000,000 events: /v1/metrics, 30 days by week', q.metricsWeek, 'ms');
    row('1,000,000 events: /v1/sessions, 30 days (100,000 sessions)', q.sessions, 'ms');
    row('1,000,000 events: /v1/export/events, page of 1,000', q.exportEvents, 'ms');
    row('1,000,000 events: /v1/export/sessions, page of 1,000', q.exportSessions, 'ms');
    row('1,000,000 events: /v1/export/users, page of 1,000 (20,000 users)', q.exportUsers, 'ms');
  } finally {
    await one.stop();
  }

  const three = await startClickHouse({ replicas: 3 });
  try {
    const flags = ['--store', 'clickhouse', '--clickhouse-database', 'tidemark_ingest', '--clickhouse-replicated', '--clickhouse-quorum', '2'];
    for (const url of three.urls) flags.push('--clickhouse-url', url);
    const r = await ingest('replicas', flags, async () => Number(await sql(three.urls[1], 'SELECT count() FROM tidemark_ingest.events FINAL')), three.nodes.map((n) => n.pid));
    row(`ClickHouse, 3 replicas, insert_quorum=2: ingest (${IN_FLIGHT} in flight)`, r.rate, 'events/s');
    row('ClickHouse, 3 replicas: ack latency p50', r.p50, 'ms');
    row('ClickHouse, 3 replicas: ack latency p99', r.p99, 'ms');
  } finally {
    await three.stop();
  }
  return rows;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const r of await clickhouseBench()) console.log(`${r.metric}: ${Math.round(r.value * 100) / 100} ${r.unit}`);
}
