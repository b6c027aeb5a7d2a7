// One command for the script-tag example: `node examples/website/serve.mjs` (after `pnpm build`).
// Starts the reference collector (SQLite in a temp dir) and serves this folder as a plain
// static site, with the built bundle under /sdk/, behind a strict Content-Security-Policy.
//
//   --port <n>            site port (default 8080; 0 picks a free one)
//   --collector <url>     use a running collector (e.g. the demo's) instead of starting one
//   --write-key <key>     the write key that collector accepts (default wk_example)
//
// The pages name the collector as data-host="http://127.0.0.1:8787" (its default address);
// when it lives elsewhere, that origin is rewritten in the HTML as it is served.
import { createServer } from 'node:http';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const here = fileURLToPath(new URL('.', import.meta.url));
const sdk = fileURLToPath(new URL('../../packages/cdn/dist/', import.meta.url));
const PAGE_HOST = 'http://127.0.0.1:8787';
const PAGE_KEY = 'wk_example';
const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.map': 'application/json', '.json': 'application/json' };

const { values: args } = parseArgs({
  options: { port: { type: 'string', default: '8080' }, collector: { type: 'string' }, 'write-key': { type: 'string', default: PAGE_KEY } },
});

if (!existsSync(join(sdk, 'tidemark.min.js'))) {
  console.error('packages/cdn/dist/tidemark.min.js is missing: run `pnpm build` first.');
  process.exit(1);
}

/** The collector: the one named on the command line, or a fresh reference collector. */
async function collector() {
  if (args.collector) return { url: args.collector.replace(/\/+$/, ''), close: async () => {} };
  const { startCollector } = await import('../../packages/collector/dist/index.mjs');
  const dir = mkdtempSync(join(tmpdir(), 'tidemark-example-'));
  const port = Number(new URL(PAGE_HOST).port);
  const options = { dbPath: join(dir, 'events.db'), writeKeys: [args['write-key']], readKeys: ['rk_example'], logger: { info() {}, warn: console.warn, error: console.error } };
  // Its default port, so the pages work unchanged; any free port if that one is taken.
  const running = await startCollector({ ...options, port }).catch(() => startCollector({ ...options, port: 0 }));
  return { url: running.url, close: async () => (await running.close(), rmSync(dir, { recursive: true, force: true })) };
}

const target = await collector();

const server = createServer((req, res) => {
  let path = decodeURIComponent((req.url ?? '/').split('?')[0]);
  if (path.endsWith('/')) path += 'index.html';
  const file = path.startsWith('/sdk/') ? join(sdk, normalize(path.slice(5))) : join(here, normalize(path));
  if (!file.startsWith(path.startsWith('/sdk/') ? sdk : here) || !existsSync(file) || file.endsWith('.mjs')) return void res.writeHead(404).end('not found');
  let body = readFileSync(file);
  if (extname(file) === '.html') {
    body = body.toString('utf8').replaceAll(PAGE_HOST, target.url).replaceAll(`data-write-key="${PAGE_KEY}"`, `data-write-key="${args['write-key']}"`);
  }
  res.writeHead(200, {
    'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
    // The site's own scripts only, and events to the collector: the bundle needs nothing more.
    'Content-Security-Policy': `default-src 'self'; connect-src 'self' ${target.url}`,
    'Cache-Control': 'no-store',
  });
  res.end(body);
});
await new Promise((resolve) => server.listen(Number(args.port), '127.0.0.1', resolve));
const site = `http://127.0.0.1:${server.address().port}`;

console.log(`Example site:   ${site}/`);
console.log(`A campaign:     ${site}/?utm_source=newsletter&utm_medium=email&utm_campaign=launch&gclid=demo-click`);
console.log(`Collector:      ${target.url}${args.collector ? '' : '  (dashboard at /, read key rk_example)'}`);
console.log('Ctrl-C stops both.');

const stop = async () => {
  server.close();
  await target.close();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
