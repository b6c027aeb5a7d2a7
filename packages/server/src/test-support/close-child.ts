// A child process for the shutdown tests: a script as a backend team writes it. It makes
// <count> track() calls without awaiting them, then `await client.close()` at top level, and
// prints one JSON line: the close result, the client's stats, what onDrop heard and how long
// close() took. Node exits with code 13 if the close promise never settles.
// Usage: node close-child.mjs <host> <count> <id-prefix> [--spool <dir>] [--flush-first]
// With --flush-first it awaits flush() before close(), and reports the stats and time after it.
import { createServerClient, type DropInfo } from '@tidemark/server';

const [host, countText, prefix, ...flags] = process.argv.slice(2) as [string, string, string, ...string[]];
const spoolDir = flags.includes('--spool') ? flags[flags.indexOf('--spool') + 1] : undefined;
const drops: DropInfo[] = [];
const errors = new Set<string>();
const client = createServerClient({
  writeKey: 'wk_test',
  host,
  ...(spoolDir ? { spool: { dir: spoolDir } } : {}),
  onDrop: (info) => drops.push(info),
  onError: (error) => errors.add(error.code),
});
for (let i = 0; i < Number(countText); i++) {
  void client.track({ event: 'Order Shipped', userId: `user_${i % 10}`, messageId: `${prefix}_${String(i).padStart(5, '0')}`, properties: { i } });
}
let flushed: { stats: ReturnType<typeof client.stats>; flushMs: number } | undefined;
if (flags.includes('--flush-first')) {
  const flushStarted = Date.now();
  await client.flush();
  flushed = { stats: client.stats(), flushMs: Date.now() - flushStarted };
}
const started = Date.now();
const result = await client.close();
process.stdout.write(`${JSON.stringify({ result, stats: client.stats(), drops, closeMs: Date.now() - started, errors: [...errors], flushed })}\n`);
