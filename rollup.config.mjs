// One function builds every package: ESM + CJS + .d.ts for each subpath in the package's
// `exports` map (./dist/X.mjs is built from ./src/X.ts), plus the minified IIFE bundles a
// package lists under "iife" ({ "dist/out.js": { "input": "src/x.ts", "name": "globalName" } }).
import { readFileSync, readdirSync, existsSync, rmSync } from 'node:fs';
import { builtinModules } from 'node:module';
import typescript from '@rollup/plugin-typescript';
import resolve from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import { dts } from 'rollup-plugin-dts';

const only = process.env.TIDEMARK_ONLY?.split(',');
const nodeBuiltins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);

/**
 * TypeScript for one build: no declarations here (rollup-plugin-dts makes them), and no
 * failing on type errors: `pnpm typecheck` owns those, so one package's error never blocks
 * another package's build.
 */
const ts = (include) =>
  typescript({
    tsconfig: 'tsconfig.base.json',
    include,
    exclude: ['**/*.test.ts'],
    compilerOptions: { declaration: false, sourceMap: true, noEmitOnError: false },
    outputToFilesystem: false,
  });

/** Browser bundles take sibling packages from source, so build order does not matter. */
const workspaceSources = {
  name: 'tidemark-workspace-sources',
  resolveId(id) {
    const m = /^@tidemark\/([a-z-]+)$/.exec(id);
    return m && existsSync(`packages/${m[1]}/src/index.ts`) ? `${process.cwd()}/packages/${m[1]}/src/index.ts` : null;
  },
};
const browserPlugins = (include) => [
  workspaceSources,
  resolve({ browser: true }),
  ts(include),
  terser({ ecma: 2020, compress: { passes: 2 }, format: { comments: false } }),
];

/** Entries of a package from its exports map: subpath -> src file. */
function entriesOf(dir, pkg) {
  const entries = {};
  for (const target of Object.values(pkg.exports ?? {})) {
    if (typeof target !== 'object' || !target.import?.endsWith('.mjs')) continue;
    const name = target.import.replace(/^\.\/dist\//, '').replace(/\.mjs$/, '');
    // A package still being written may name files that do not exist yet; the export check
    // after the build reports them, so a half-done package never blocks the others.
    if (existsSync(`${dir}/src/${name}.ts`)) entries[name] = `${dir}/src/${name}.ts`;
  }
  return entries;
}

/** Rollup configs for one package folder. */
function build(dir) {
  const pkg = JSON.parse(readFileSync(`${dir}/package.json`, 'utf8'));
  const deps = Object.keys({ ...pkg.dependencies, ...pkg.peerDependencies, ...pkg.devDependencies });
  const external = (id) => nodeBuiltins.has(id) || deps.some((d) => id === d || id.startsWith(`${d}/`));
  const input = entriesOf(dir, pkg);
  const configs = [];
  if (Object.keys(input).length) {
    configs.push(
      {
        input,
        external,
        plugins: [ts([`${dir}/src/**/*.ts`])],
        output: [
          { dir: `${dir}/dist`, format: 'es', entryFileNames: '[name].mjs', chunkFileNames: 'chunks/[name]-[hash].mjs', sourcemap: true },
          { dir: `${dir}/dist`, format: 'cjs', entryFileNames: '[name].cjs', chunkFileNames: 'chunks/[name]-[hash].cjs', sourcemap: true, exports: 'named' },
        ],
      },
      { input, external, plugins: [dts({ tsconfig: 'tsconfig.base.json' })], output: { dir: `${dir}/dist`, format: 'es', entryFileNames: '[name].d.ts' } },
    );
  }
  for (const [file, { input: src, name }] of Object.entries(pkg.iife ?? {})) {
    configs.push({
      input: `${dir}/${src}`,
      plugins: browserPlugins([`${dir}/src/**/*.ts`, 'packages/*/src/**/*.ts']),
      output: { file: `${dir}/${file}`, format: 'iife', name, sourcemap: true },
    });
  }
  return configs;
}

const dirs = readdirSync('packages')
  .map((name) => `packages/${name}`)
  .filter((dir) => existsSync(`${dir}/package.json`) && (!only || only.some((o) => dir.endsWith(o))));
// Start each package from an empty dist/, so chunks of earlier builds (hash-named) never pile up.
for (const dir of dirs) rmSync(`${dir}/dist`, { recursive: true, force: true });

/** The e2e harness: a browser bundle of the client pieces that tests drive directly. */
const harness = existsSync('e2e/harness/harness.ts')
  ? [{ input: 'e2e/harness/harness.ts', plugins: browserPlugins(['e2e/harness/*.ts', 'packages/*/src/**/*.ts']), output: { file: 'e2e/harness/dist/harness.js', format: 'iife', name: 'TM', sourcemap: true } }]
  : [];

export default [...dirs.flatMap(build), ...(only ? [] : harness)];
