// `pnpm test:packages` (part of `pnpm test`, after the build): the packages as users get them.
// Every public package under packages/ is packed with `pnpm pack` and then
//   1. its tarball is checked for README, LICENSE, repository links, engines and source maps
//      with their sources, and linted with publint and Are The Types Wrong;
//   2. all tarballs are installed with npm into a fresh project outside the repository;
//   3. every entry is `require`d and `import`ed, and a smoke test delivers events through
//      the CommonJS and the ESM builds, on Node 18, Node 20.18 (the last without require(esm)),
//      the Node running this script and the newest Node release;
//   4. TypeScript (strict, skipLibCheck off) checks an import of every entry and the
//      documented API in the bundler, node16 ESM, node16 CJS, nodenext and node10 modes,
//      with the real types of Electron 28;
//   5. Vite builds a tiny browser app of @tidemark/core and @tidemark/transport-http.
// Needs only the npm registry. Node runtimes are cached in node_modules/.cache/; the scratch
// directory is removed at the end, also on failure or Ctrl-C (`--keep` keeps it, to debug).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { entriesOf, freshProject, TS_MODES, typeCheck, viteBuild, viteProject, writeTypeProject } from './packages/fresh-project.mjs';
import { judge, lintTarball } from './packages/lint.mjs';
import { latestNode, nodeBinary, PINNED_NODES } from './packages/node-runtimes.mjs';
import { inParallel, run } from './packages/run.mjs';
import { metadataProblems, packAll } from './packages/tarballs.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const cache = join(root, 'node_modules/.cache/tidemark-check');
/** The whole check must finish well inside this, or it stops and fails. */
const DEADLINE_MS = 6 * 60_000;

const work = mkdtempSync(join(tmpdir(), 'tidemark-packages-'));
const keep = process.argv.includes('--keep');
const cleanup = () => (keep ? console.log(`kept ${work}`) : rmSync(work, { recursive: true, force: true }));
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => (cleanup(), process.exit(130)));
setTimeout(() => {
  console.error(`check-packages: not done after ${DEADLINE_MS / 60_000} min; stopping`);
  cleanup();
  process.exit(1);
}, DEADLINE_MS).unref();

const started = Date.now();
const failures = [];
const step = async (title, fn) => {
  const t0 = Date.now();
  try {
    const lines = (await fn()) ?? [];
    console.log(`ok   ${title} (${((Date.now() - t0) / 1000).toFixed(1)} s)${lines.length ? `\n${lines.map((l) => `     ${l}`).join('\n')}` : ''}`);
  } catch (err) {
    failures.push(title);
    console.log(`FAIL ${title}\n${String(err?.message ?? err).replace(/^/gm, '     ')}`);
  }
};

try {
  const packed = await packAll(root, work);
  console.log(`packed ${packed.map((p) => p.name).join(', ')}`);

  await step('tarball contents: README, LICENSE, repository, engines, source maps with sources', () => {
    const problems = metadataProblems(root, packed);
    if (problems.length) throw new Error(problems.join('\n'));
  });

  await step('publint and attw on every tarball', async () => {
    const results = await inParallel(packed.map((p) => async () => judge(p.name, await lintTarball(p))));
    const failed = results.flatMap((r) => r.failures);
    if (failed.length) throw new Error(failed.join('\n'));
    return results.flatMap((r) => r.kept).map((k) => `kept: ${k}`);
  });

  const entries = entriesOf(packed);
  let project;
  let viteApp;
  const nodes = [];
  await step('fresh projects: npm install of the tarballs; Node runtimes', async () => {
    const versions = [...PINNED_NODES, await latestNode()];
    const [dir, app, ...bins] = await Promise.all([freshProject(work, packed, entries), viteProject(work, packed), ...versions.map((v) => nodeBinary(v, cache))]);
    project = dir;
    viteApp = app;
    nodes.push({ version: process.versions.node, bin: process.execPath }, ...versions.map((version, i) => ({ version, bin: bins[i] })));
  });

  if (project) {
    for (const { version, bin } of nodes) {
      await step(`Node ${version}: require and import of every entry, smoke test of the CJS and ESM builds`, async () => [
        (await run(bin, ['smoke.mjs'], { cwd: project, timeoutMs: 60_000 })).trim(),
      ]);
    }
    await inParallel(
      TS_MODES.map((mode) => () =>
        step(`TypeScript ${mode.name}: every entry and the documented API, Electron 28 types`, () => typeCheck(project, writeTypeProject(project, mode, entries.types))),
      ),
    );
    await step('Vite build of an app importing @tidemark/core and @tidemark/transport-http', async () => [await viteBuild(viteApp)]);
  }
} catch (err) {
  failures.push('setup');
  console.log(`FAIL ${err?.stack ?? err}`);
} finally {
  cleanup();
}

console.log(`check-packages: ${failures.length ? `${failures.length} failed` : 'all passed'} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
process.exit(failures.length ? 1 : 0);
