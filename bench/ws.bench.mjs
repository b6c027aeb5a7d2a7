// WebSocket transport on loopback: latency from send() to the event's `reportedIds` ack,
// against a plain HTTP POST of the same Nucleus frame to the same kind of server, and the
// time to stream a 10,000-event backlog. The servers ack at once (no storage), so the
// figures are the transport's and the protocol's cost, not a database's. With the
// reference collector built, the backlog is also streamed into it (SQLite, dedupe).
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { WebSocket } from 'ws';
import { startCountingServer } from '../packages/test-kit/src/counting-server.mjs';
import { wsTransport } from '../packages/transport-ws/dist/index.mjs';

const SAMPLES = 1_000;
const WARM_UP = 50;
const BACKLOG = 10_000;
const collectorDist = new URL('../packages/collector/dist/index.mjs', import.meta.url);


let serial = 0;
function makeEvents(count) {
  const run = `${Date.now().toString(36)}-${serial++}`;
  return Array.from({ length: count }, (_, i) => ({
    type: 'track',
    event: 'Bench',
    messageId: `bench-${run}-${i}`,
    timestamp: new Date().toISOString(),
    anonymousId: 'anon-bench',
    properties: { i, plan: 'pro', path: '/pricing' },
    context: { library: { name: 'tidemark-bench', version: '0.0.0' }, sessionId: 1_700_000_000_000, locale: 'en-GB' },
  }));
}

const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];

/** Time `SAMPLES` sequential one-event round trips (after a warm-up). */
async function latencies(roundTrip) {
  const times = [];
  for (let i = 0; i < WARM_UP + SAMPLES; i++) {
    const [event] = makeEvents(1);
    const started = performance.now();
    const delivered = await roundTrip(event);
    if (delivered !== 1) throw new Error(`round trip ${i} was not acknowledged`);
    if (i >= WARM_UP) times.push(performance.now() - started);
  }
  return times.sort((a, b) => a - b);
}

async function streamBacklog(url, appId, writeKey) {
  const transport = wsTransport({ url, appId, writeKey, WebSocket, ackTimeoutMs: 30_000 });
  try {
    // Connect and warm both ends' JIT first: the figure is the steady streaming rate.
    await transport.send(makeEvents(1_000), { writeKey: writeKey ?? '' });
    const events = makeEvents(BACKLOG);
    const started = performance.now();
    const result = await transport.send(events, { writeKey: writeKey ?? '' });
    const ms = performance.now() - started;
    if (result.delivered.length !== BACKLOG) throw new Error(`backlog: ${result.delivered.length} of ${BACKLOG} acknowledged`);
    return ms;
  } finally {
    await transport.close();
  }
}

/** The backlog into the reference collector, when it is built. */
async function collectorBacklog() {
  if (!existsSync(collectorDist)) return [];
  const { startCollector } = await import(collectorDist.href);
  const dir = mkdtempSync(join(tmpdir(), 'tidemark-ws-bench-'));
  const collector = await startCollector({ port: 0, dbPath: join(dir, 'events.db'), writeKeys: ['wk_bench'], readKeys: ['rk_bench'], appIds: ['bench'] });
  try {
    const ms = await streamBacklog(`ws://127.0.0.1:${collector.port}`, 'bench');
    return [{ area: 'ws', metric: `stream ${BACKLOG.toLocaleString('en-US')}-event backlog → collector (SQLite)`, value: ms, unit: 'ms', budget: 2_000, better: 'lower' }];
  } finally {
    await collector.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export default async function bench() {
  const server = await startCountingServer();
  const url = server.wsUrl;
  const post = `${server.url}/app/bench/track`;
  try {
    const transport = wsTransport({ url, appId: 'bench', WebSocket });
    const ws = await latencies(async (event) => (await transport.send([event], { writeKey: '' })).delivered.length);
    await transport.close();
    const http = await latencies(async (event) => {
      const response = await fetch(post, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ data: [event] }) });
      return (await response.json()).reportedIds.length;
    });
    const backlog = await streamBacklog(url, 'bench');
    return [
      { area: 'ws', metric: 'send→ack p50, WebSocket', value: quantile(ws, 0.5), unit: 'ms', budget: 20, better: 'lower' },
      { area: 'ws', metric: 'send→ack p99, WebSocket', value: quantile(ws, 0.99), unit: 'ms' },
      { area: 'ws', metric: 'send→ack p50, HTTP POST', value: quantile(http, 0.5), unit: 'ms' },
      { area: 'ws', metric: 'send→ack p99, HTTP POST', value: quantile(http, 0.99), unit: 'ms' },
      { area: 'ws', metric: `stream ${BACKLOG.toLocaleString('en-US')}-event backlog → acking server`, value: backlog, unit: 'ms', budget: 2_000, better: 'lower' },
      ...(await collectorBacklog()),
    ];
  } finally {
    await server.close();
  }
}
