import { existsSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootWaitingChild, bundleForNode, tempDir } from '@tidemark/test-kit';

const CYCLES = 200;

// The crash test: a real child process appends events to a FileStore and delivers some to a
// real HTTP collector, and is killed with SIGKILL at a random moment, 200 times over. After
// each restart, what the new child loads is checked against everything earlier children
// reported as done: nothing reported written is missing, nothing reported removed is back,
// nothing is there twice, and an event only ever leaves the files by being delivered.

let work: { dir: string; remove: () => void };
let child: string;
let server: Server;
let collectorUrl: string;
/** Every reception at the collector: the event's ID and the cycle of the child that sent it. */
const received: Array<{ id: string; cycle: number }> = [];

beforeAll(async () => {
  work = tempDir('tidemark-crash-');
  child = await bundleForNode(fileURLToPath(new URL('./test-support/queue-child.ts', import.meta.url)), join(work.dir, 'queue-child.mjs'));
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('error', () => {}); // a child killed mid-request
    req.on('end', () => {
      const cycle = Number(req.headers['x-cycle']);
      for (const event of JSON.parse(Buffer.concat(chunks).toString()).batch) received.push({ id: event.messageId, cycle });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"success":true}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  collectorUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/batch`;
});

afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  work?.remove();
});

interface Report {
  loaded?: string[];
  written: string[];
  acked: string[];
  removed: string[];
}

/** A booted child waiting for its turn; `run` lets it open the store and resolves at its end. */
interface WaitingChild {
  run(kill: { afterReports: number; thenMs: number } | { afterStartMs: number } | 'drain'): Promise<Report>;
}

/**
 * Boot a child process. It waits for a line on stdin before opening the store, so the next
 * child can boot while the current one works: Node's start-up would dominate the test.
 */
function bootChild(queueDir: string, cycle: number, drain = false): WaitingChild {
  const reportFile = join(work.dir, `report-${cycle}.txt`);
  const booted = bootWaitingChild(child, [queueDir, reportFile, collectorUrl, String(cycle), ...(drain ? ['drain'] : [])]);
  return {
    async run(kill) {
      const { code, signal, stderr } = await booted.run(kill === 'drain' ? 'none' : 'afterStartMs' in kill ? kill : { afterOutput: kill.afterReports, thenMs: kill.thenMs });
      if (kill === 'drain' ? code !== 0 : signal !== 'SIGKILL') throw new Error(`child ${cycle} ended with ${code ?? signal}: ${stderr}`);
      const report: Report = { written: [], acked: [], removed: [] };
      const text = existsSync(reportFile) ? readFileSync(reportFile, 'utf8') : '';
      rmSync(reportFile, { force: true });
      // Only complete lines count: a report cut short was never made.
      for (const line of text.split('\n').slice(0, -1)) {
        const ids = JSON.parse(line.slice(2)) as string[];
        if (line[0] === 'L') report.loaded = ids;
        else if (line[0] === 'W') report.written.push(...ids);
        else if (line[0] === 'S') report.acked.push(...ids);
        else if (line[0] === 'D') report.removed.push(...ids);
      }
      return report;
    },
  };
}

const order = (id: string) => id.split('-').map(Number) as [number, number];
const before = (a: string, b: string) => {
  const [ca, sa] = order(a);
  const [cb, sb] = order(b);
  return ca < cb || (ca === cb && sa < sb);
};

/** What one lane of children proved. */
interface LaneResult {
  checked: number;
  written: number;
  everDurable: Set<string>;
  removedIn: Map<string, number>;
}

/**
 * Run `cycles` children one after another on one queue directory, checking each restart.
 * Cycle numbers are `first`, `first + step`, …, so lanes running side by side never share
 * event IDs.
 */
async function runLane(queueDir: string, first: number, step: number, cycles: number): Promise<LaneResult> {
  /** Must be in the files: reported written, or loaded by an earlier child, and not removed. */
  const expected = new Set<string>();
  const result: LaneResult = { checked: 0, written: 0, everDurable: new Set(), removedIn: new Map() };
  const { everDurable, removedIn } = result;
  const last = first + step * cycles;
  let next = bootChild(queueDir, first);
  for (let cycle = first; cycle < last; cycle += step) {
    const current = next;
    next = bootChild(queueDir, cycle + step, cycle + step === last);
    // Most kills land while the child appends and delivers; one in five lands during start-up
    // and recovery (loading, quarantine, rewrite).
    const early = ((cycle - first) / step) % 5 === 4;
    const report = await current.run(early ? { afterStartMs: Math.random() * 15 } : { afterReports: 1 + Math.floor(Math.random() * 8), thenMs: Math.random() * 4 });
    const deliveredIds = new Set(received.map((r) => r.id));

    if (report.loaded) {
      result.checked++;
      const loaded = report.loaded;
      const present = new Set(loaded);
      // Plain checks, one assertion each per cycle: the message names the offending events.
      expect(loaded.length - present.size, `cycle ${cycle}: events loaded twice`).toBe(0);
      expect(loaded.filter((id) => removedIn.has(id)), `cycle ${cycle}: removed events came back`).toEqual([]);
      expect(loaded.filter((id) => order(id)[0] >= cycle), `cycle ${cycle}: unknown events`).toEqual([]);
      expect(loaded.filter((id, i) => i > 0 && !before(loaded[i - 1]!, id)), `cycle ${cycle}: out of order`).toEqual([]);
      // An event may leave the files only by being delivered (its removal report was cut off).
      const lost = [...expected].filter((id) => !present.has(id) && !deliveredIds.has(id));
      expect(lost, `cycle ${cycle}: events lost`).toEqual([]);
      expected.clear();
      for (const id of loaded) expected.add(id), everDurable.add(id);
    }
    for (const id of report.written) expected.add(id), everDurable.add(id);
    for (const id of report.removed) expected.delete(id), removedIn.set(id, cycle);
    result.written += report.written.length;
  }
  // A last child drains what is left.
  const drained = await next.run('drain');
  // As at every restart: an event may have left the files only by being delivered (the last
  // killed child can deliver the oldest batch and die before reporting its removal).
  const deliveredIds = new Set(received.map((r) => r.id));
  const missing = [...expected].filter((id) => !drained.loaded?.includes(id) && !deliveredIds.has(id));
  expect(missing, 'events missing at the end').toEqual([]);
  return result;
}

describe('FileStore under SIGKILL', () => {
  it(`loses nothing, revives nothing and duplicates nothing over ${CYCLES} kill-and-restart cycles`, async () => {
    // Two lanes side by side (each with its own queue), so both cores boot children.
    const lanes = await Promise.all([
      runLane(join(work.dir, 'queue-a'), 1, 2, CYCLES / 2),
      runLane(join(work.dir, 'queue-b'), 2, 2, CYCLES / 2),
    ]);
    // Everything ever durable reached the collector, and nothing was sent again once its
    // removal had been reported.
    const deliveredIds = new Set(received.map((r) => r.id));
    for (const lane of lanes) {
      expect([...lane.everDurable].filter((id) => !deliveredIds.has(id)), 'events never delivered').toEqual([]);
      const resent = received.filter(({ id, cycle }) => cycle > (lane.removedIn.get(id) ?? Infinity));
      expect(resent, 'events sent again after their removal was reported').toEqual([]);
      expect(lane.checked).toBeGreaterThan((CYCLES / 2) * 0.75);
      expect(lane.written).toBeGreaterThan(CYCLES * 2);
    }
  }, 240_000);
});
