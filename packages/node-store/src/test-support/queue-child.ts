// A child process for the crash test: it opens a FileStore, reports what it loaded, then
// appends events and delivers them to the parent's HTTP collector until it is killed.
// Usage: node queue-child.mjs <dir> <report-file> <collector-url> <cycle> [drain]
// It boots, then waits for a line on stdin before touching the store, so that the parent can
// start the next child while the current one runs (Node's start-up dominates otherwise).
// Reports are appended synchronously to <report-file>, one line each, only after the store
// call they describe has resolved:
//   L <ids loaded at start, in queue order>
//   W <ids whose add() resolved>
//   S <ids the collector acknowledged>
//   D <ids whose remove() resolved>
import { appendFileSync } from 'node:fs';
import { request } from 'node:http';
import { FileStore } from '../file-store.js';
import { testEvent } from '@tidemark/test-kit';

const [dir, reportFile, collector, cycleText, mode] = process.argv.slice(2) as [string, string, string, string, string | undefined];
const cycle = Number(cycleText);
// Each report also ticks on stdout, so the parent can kill after a chosen amount of progress.
const report = (tag: string, ids: string[]) => {
  appendFileSync(reportFile, `${tag} ${JSON.stringify(ids)}\n`);
  process.stdout.write('.');
};
const random = (n: number) => Math.floor(Math.random() * n);

await new Promise((resolve) => process.stdin.once('data', resolve));
const store = new FileStore({ dir, segmentBytes: 8 * 1024 });
report('L', (await store.peek(1e9)).map((e) => e.event.messageId));

async function deliver(limit: number, all = false): Promise<number> {
  const peeked = await store.peek(limit);
  // Like a drain where some requests of a batch fail: a random fifth stays queued, so events
  // leave out of order.
  const entries = all ? peeked : peeked.filter(() => random(5) > 0);
  if (!entries.length) return 0;
  const ids = entries.map((e) => e.event.messageId);
  // node:http rather than fetch: loading fetch's implementation would add a third to start-up.
  const status = await new Promise<number>((resolve, reject) => {
    const body = JSON.stringify({ batch: entries.map((e) => e.event) });
    const req = request(collector, { method: 'POST', headers: { 'content-type': 'application/json', 'x-cycle': String(cycle) } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(body);
  });
  if (status !== 200) throw new Error(`collector answered ${status}`);
  report('S', ids);
  await store.remove(entries.map((e) => e.key));
  report('D', ids);
  return entries.length;
}

if (mode === 'drain') {
  while ((await deliver(500, true)) > 0);
  await store.close();
  process.exit(0);
}

let seq = 0;
for (;;) {
  // Several add() calls made together share one write: the group commit path.
  const calls = Array.from({ length: 1 + random(4) }, () =>
    Array.from({ length: 1 + random(8) }, () => testEvent(`${cycle}-${seq++}`, { pad: 'x'.repeat(random(400)) })),
  );
  await Promise.all(calls.map((events) => store.add(events).then(() => report('W', events.map((e) => e.messageId)))));
  if (random(3) > 0) await deliver(1 + random(50));
}
