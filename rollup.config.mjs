// One function builds every package: ESM + CJS + .d.ts for each subpath in the package's
// `exports` map (./dist/X.mjs is built from ./src/X.ts), plus the minified IIFE bundles a
// package lists under "iife" ({ "dist/out.js": { "input": "src/x.ts", "name": "globalName" } }).
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { builtinModules } from 'node:module';
import typescript from '@rollup/plugin-typescript';
import resolve from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import { dts } from 'rollup-plugin-dts';

const only = process.env.TIDEMARK_ONLY?.split(',');
const nodeBuiltins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);

/** tsconfig for one package build: no declarations here (rollup-plugin-dts makes them). */
const ts = (dir) =>
  typescript({
    tsconfig: 'tsconfig.base.json',
    include: [`${dir}/src/**/*.ts`, 'packages/*/src/**/*.ts'],
    exclude: ['**/*.test.ts'],
    compilerOptions: { declaration: false, sourceMap: true, noEmitOnError: true },
    outputToFilesystem: false,
  });

/** Entries of a package from its exports map: subpath -> src file. */
function entriesOf(dir, pkg) {
  const entries = {};
  for (const target of Object.values(pkg.exports ?? {})) {
    if (typeof target !== 'object' || !target.import?.endsWith('.mjs')) continue;
    const name = target.import.replace(/^\.\/dist\//, '').replace(/\.mjs$/, '');
    entries[name] = `${dir}/src/${name}.ts`;
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
        plugins: [ts(dir)],
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
      plugins: [resolve({ browser: true }), ts(dir), terser({ ecma: 2020, compress: { passes: 2 }, format: { comments: false } })],
      output: { file: `${dir}/${file}`, format: 'iife', name, sourcemap: true },
    });
  }
  return configs;
}

const dirs = readdirSync('packages')
  .map((name) => `packages/${name}`)
  .filter((dir) => existsSync(`${dir}/package.json`) && (!only || only.some((o) => dir.endsWith(o))));

/** The e2e harness: a browser bundle of the client pieces that tests drive directly. */
const harness = existsSync('e2e/harness/harness.ts')
  ? [{ input: 'e2e/harness/harness.ts', plugins: [resolve({ browser: true }), ts('e2e/harness')], output: { file: 'e2e/harness/dist/harness.js', format: 'iife', name: 'TM', sourcemap: true } }]
  : [];

export default [...dirs.flatMap(build), ...(only ? [] : harness)];
