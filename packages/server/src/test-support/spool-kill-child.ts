// A child process for the spool's kill test: it opens a server client with a spool, then
// tracks events in small groups, each group's calls made together and awaited together, and
// delivers them in the background (flushAt 10) until the parent kills it with SIGKILL.
// Usage: node spool-kill-child.mjs <spool-dir> <host> <report-file> <cycle> [drain]
// It boots, then waits for a line on stdin before it creates the client (the parent boots the
// next child meanwhile). After each group's track() promises have resolved, it appends their
// message IDs to <report-file> as one JSON line, synchronously, and ticks a byte on stdout.
// With `drain`, it only closes the client (sending what earlier children left) and prints
// the close result; it must then exit by itself.
import { appendFileSync } from 'node:fs';
import { createServerClient } from '@tidemark/server';

const [dir, host, reportFile, cycleText, mode] = process.argv.slice(2) as [string, string, string, string, string | undefined];
const random = (n: number) => Math.floor(Math.random() * n);

await new Promise((resolve) => process.stdin.once('data', resolve));
const client = createServerClient({ writeKey: 'wk_test', host, spool: { dir }, flushAt: 10, onError: () => {} });

if (mode === 'drain') {
  const result = await client.close();
  process.stdout.write(`${JSON.stringify(result)}\n`);
} else {
  const cycle = cycleText.padStart(4, '0');
  for (let seq = 0; ; ) {
    const ids = Array.from({ length: 1 + random(8) }, () => `kill-${cycle}-${String(seq++).padStart(6, '0')}`);
    await Promise.all(ids.map((messageId) => client.track({ event: 'Kill Loop', userId: `user_${random(20)}`, messageId, properties: { pad: 'x'.repeat(random(300)) } })));
    appendFileSync(reportFile, `${JSON.stringify(ids)}\n`);
    process.stdout.write('.');
  }
}
