// Collector ingest bench: the built CLI in a child process (SQLite file in a temp dir, every
// feature on: auth, validation, dedupe, indexes, group commit), loaded from this process over
// loopback with 8 requests in flight, each 100 unique events. Bounded in time. Reports events
// durably stored per second (acknowledged after commit, then checked against the database)
// and the p50/p99 time from send to acknowledgement.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';

const CLI = fileURLToPath(new URL('../packages/collector/dist/cli.mjs', import.meta.url));
const IN_FLIGHT = 8;
const EVENTS_PER_REQUEST = 100;
const WARMUP_MS = 500;
const RUN_MS = 3000;
const WRITE_KEY = 'wk_bench';
const READ_KEY = 'rk_bench';

let seq = 0;
const UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36';
/** One request's events as JSON text: a visitor's session, like a browser's flush. */
function eventsJson(visitor, sessionId) {
  const now = new Date().toISOString();
  const parts = [];
  for (let i = 0; i < EVENTS_PER_REQUEST; i++) {
    seq += 1;
    parts.push(
      `{"type":"track","messageId":"b${process.pid}-${seq}","timestamp":"${now}","anonymousId":"${visitor}","event":"Button Clicked","properties":{"button":"buy","index":${i},"price":19.99},"context":{"library":{"name":"tidemark","version":"0.1.0"},"sessionId":${sessionId},"locale":"en-GB","timezone":"Europe/Berlin","page":{"url":"https://shop.example/p/42?ref=bench","path":"/p/42","search":"?ref=bench","title":"Product 42","referrer":""},"userAgent":"${UA}"}}`,
    );
  }
  return parts.join(',');
}

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? NaN;

/** Start the built CLI (`extra` flags may pick another store); resolves with its URL and stop(). Also used by clickhouse.bench.mjs. */
export function startCollector(dir, extra = []) {
  const proc = spawn(process.execPath, [CLI, '--port', '0', '--db', join(dir, 'bench.db'), '--write-key', WRITE_KEY, '--read-key', READ_KEY, '-q', ...extra], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout.on('data', (d) => (out += d));
  proc.stderr.on('data', (d) => (out += d));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`collector did not start: ${out}`)), 10_000);
    proc.stdout.on('data', () => {
      const match = /listening on (http:\/\/\S+)/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve({ url: match[1], pid: proc.pid, stop: () => new Promise((r) => (proc.once('exit', r), proc.kill('SIGTERM'))) });
      }
    });
    proc.once('exit', () => reject(new Error(`collector exited: ${out}`)));
  });
}

/** Run `worker` in `inFlight` loops until the deadline; returns acked events and latencies after warm-up. */
export async function drive(worker, inFlight = IN_FLIGHT) {
  const started = Date.now();
  const measureFrom = started + WARMUP_MS;
  const deadline = measureFrom + RUN_MS;
  let events = 0;
  let allEvents = 0;
  const latencies = [];
  await Promise.all(
    Array.from({ length: inFlight }, async (_, lane) => {
      const send = await worker(lane);
      while (Date.now() < deadline) {
        const t0 = performance.now();
        const acked = await send();
        const at = Date.now();
        allEvents += acked;
        if (at >= measureFrom && at <= deadline) {
          events += acked;
          latencies.push(performance.now() - t0);
        }
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  return { rate: (events * 1000) / RUN_MS, p50: percentile(latencies, 50), p99: percentile(latencies, 99), allEvents };
}

/**
 * One keep-alive HTTP/1.1 connection that writes requests by hand and reads just the status
 * and Content-Length of each answer: a load generator as lean as wrk, so it leaves the CPU to
 * the collector (node:http's client costs a third of a core at these rates).
 */
async function rawConnection(url) {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  socket.setNoDelay(true);
  await new Promise((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  let buffer = '';
  let waiting = null;
  socket.on('error', (err) => waiting?.reject(err));
  socket.on('data', (chunk) => {
    buffer += chunk;
    const head = buffer.indexOf('\r\n\r\n');
    if (head === -1) return;
    const length = Number(/content-length: *(\d+)/i.exec(buffer.slice(0, head))?.[1] ?? 0);
    if (buffer.length < head + 4 + length) return;
    const status = Number(buffer.slice(9, 12));
    const body = buffer.slice(head + 4, head + 4 + length);
    buffer = buffer.slice(head + 4 + length);
    waiting?.resolve({ status, body });
  });
  return (request) =>
    new Promise((resolve, reject) => {
      waiting = { resolve, reject };
      socket.write(request);
    });
}

/** A lane's sender of `/v1/batch` requests of 100 unique events over one raw keep-alive connection. */
export function httpWorker(url) {
  const auth = `Basic ${Buffer.from(`${WRITE_KEY}:`).toString('base64')}`;
  return async (lane) => {
    const send = await rawConnection(url);
    const visitor = `visitor-http-${lane}`;
    const sessionId = Date.now() - lane;
    return async () => {
      const body = `{"batch":[${eventsJson(visitor, sessionId)}],"sentAt":"${new Date().toISOString()}"}`;
      const { status, body: answer } = await send(
        `POST /v1/batch HTTP/1.1\r\nHost: bench\r\nAuthorization: ${auth}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
      );
      if (status !== 200) throw new Error(`HTTP ${status}: ${answer}`);
      return EVENTS_PER_REQUEST - JSON.parse(answer).rejected.length;
    };
  };
}

function wsWorker(url) {
  return async (lane) => {
    const ws = new WebSocket(`${url.replace('http', 'ws')}/app/${WRITE_KEY}/track`);
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    let waiting = null;
    ws.on('message', (data) => {
      const message = JSON.parse(String(data));
      if (!message.reportedIds) return waiting?.reject(new Error(`no ack: ${String(data)}`));
      waiting?.resolve(message.reportedIds.length);
    });
    const visitor = `visitor-ws-${lane}`;
    const sessionId = Date.now() - lane;
    return () =>
      new Promise((resolve, reject) => {
        waiting = { resolve, reject };
        ws.send(`{"data":[${eventsJson(visitor, sessionId)}],"sentAt":"${new Date().toISOString()}"}`);
      });
  };
}

/** `totalEvents` of the collector's `/v1/stats`. */
export async function storedEvents(url) {
  const res = await fetch(`${url}/v1/stats`, { headers: { authorization: `Bearer ${READ_KEY}` } });
  return (await res.json()).totalEvents;
}

/**
 * Run `measure` against a collector started on `extra` flags in a temp dir, then check that
 * every event it acknowledged is stored (`stored` reads the count), and clean up.
 */
export async function withCollector(label, extra, measure, stored = storedEvents) {
  const dir = mkdtempSync(join(tmpdir(), 'tidemark-bench-collector-'));
  const collector = await startCollector(dir, extra);
  try {
    const result = await measure(collector);
    const count = await stored(collector.url);
    if (count !== result.allEvents) throw new Error(`${label}: ${result.allEvents} events acknowledged but ${count} stored`);
    return result;
  } finally {
    await collector.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

const phase = (label, extra, workerOf) => withCollector(label, extra, (collector) => drive(workerOf(collector.url)));

export default async function collectorBench() {
  const http = await phase('http', [], httpWorker);
  const ws = await phase('ws', [], (url) => wsWorker(url));
  const full = await phase('http-full', ['--synchronous', 'full'], httpWorker);
  const rows = [];
  for (const [name, r] of [['HTTP batch', http], ['WebSocket', ws]]) {
    rows.push(
      { area: 'collector', metric: `${name} ingest (8 in flight, 100 events each)`, value: r.rate, unit: 'events/s', budget: 50_000, better: 'higher' },
      { area: 'collector', metric: `${name} ack latency p50`, value: r.p50, unit: 'ms' },
      { area: 'collector', metric: `${name} ack latency p99`, value: r.p99, unit: 'ms', budget: 50, better: 'lower' },
    );
  }
  rows.push(
    { area: 'collector', metric: 'HTTP batch ingest, synchronous=full (fsync per commit)', value: full.rate, unit: 'events/s' },
    { area: 'collector', metric: 'HTTP batch ack latency p99, synchronous=full', value: full.p99, unit: 'ms' },
  );
  return rows;
}
