// `pnpm typecheck`: the whole tree (tests, e2e and benches, with the DOM's and Node's types)
// and then each package's production code under its own `lib` and `types`: the core and the
// protocol with neither the DOM nor Node (only the globals every host has), browser packages
// with the DOM only, Node packages with Node's only. A browser API in a Node package, or the
// reverse, fails here. Two at a time (the machines have two cores).
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const tsc = join(root, 'node_modules', '.bin', 'tsc');
const configs = ['tsconfig.json', ...readdirSync(join(root, 'packages')).map((name) => `packages/${name}/tsconfig.json`).filter((file) => existsSync(join(root, file)))];

const run = (config) =>
  new Promise((done) => {
    const child = spawn(tsc, ['-p', config, '--noEmit'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('close', (code) => done({ config, code, out }));
  });

const queue = [...configs];
const failed = [];
await Promise.all(
  Array.from({ length: 2 }, async () => {
    while (queue.length) {
      const result = await run(queue.shift());
      if (result.code !== 0) failed.push(result);
    }
  }),
);
for (const { config, out } of failed) console.error(`typecheck: ${config}\n${out}`);
if (failed.length) process.exit(1);
console.log(`typecheck: ${configs.length} configs pass (the tree, and ${configs.length - 1} packages under their own lib and types)`);
