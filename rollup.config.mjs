// One function builds every package: ESM + CJS + declarations for each subpath in the
// package's `exports` map (./dist/X.mjs is built from ./src/X.ts, with the `types` the map
// names for `import` and `require`: X.d.mts and X.d.cts), plus the minified IIFE bundles a
// package lists under "iife" ({ "dist/out.js": { "input": "src/x.ts", "name": "globalName" } };
// `"codes": true` builds it with message codes instead of sentences, see `messageCodes`).
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
    // inlineSources: the maps carry the code (`sourcesContent`), as the tarballs hold no src/.
    compilerOptions: { declaration: false, sourceMap: true, inlineSources: true, noEmitOnError: false },
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
/**
 * The script-tag bundles' messages: `@tidemark/protocol`'s `SENTENCES` becomes `false`, so every
 * `SENTENCES ? '…' : explain('TMnn')` folds to its code and docs link (docs/errors.md); the npm
 * builds and `tidemark.debug.js` keep the sentences.
 */
const messageCodes = {
  name: 'tidemark-message-codes',
  load(id) {
    return id.endsWith('/packages/protocol/src/sentences.ts') ? 'export const SENTENCES = false;\n' : null;
  },
};
const browserPlugins = (include, { codes = false } = {}) => [
  ...(codes ? [messageCodes] : []),
  workspaceSources,
  resolve({ browser: true }),
  ts(include),
  // passes: 3 measured 12 B gzip under 2 on tidemark.min.js; unsafe_*, pure_getters and mangling
  // `#private` names as properties bought at most 35 B more each, not worth their assumptions.
  terser({ ecma: 2020, compress: { passes: 3 }, format: { comments: false } }),
];

/** The JS file of one condition of an exports target: `"./dist/x.mjs"` or `{ default: "./dist/x.mjs" }`. */
const fileOf = (condition) => (typeof condition === 'string' ? condition : condition?.default);

/** Entries of a package from its exports map: subpath -> src file. */
function entriesOf(dir, pkg) {
  const entries = {};
  for (const target of Object.values(pkg.exports ?? {})) {
    const file = fileOf(target?.import);
    if (!file?.endsWith('.mjs')) continue;
    const name = file.replace(/^\.\/dist\//, '').replace(/\.mjs$/, '');
    // A package still being written may name files that do not exist yet; the export check
    // after the build reports them, so a half-done package never blocks the others.
    if (existsSync(`${dir}/src/${name}.ts`)) entries[name] = `${dir}/src/${name}.ts`;
  }
  return entries;
}

/**
 * Declaration extensions the exports map asks for, per condition: `.d.mts` beside `.mjs` and
 * `.d.cts` beside `.cjs`, so each `require` sees CommonJS types (a single `.d.ts` for both
 * makes TypeScript read the CommonJS entry as ESM). A map still naming one `.d.ts` gets it.
 */
function declarationExtensions(pkg) {
  const found = { import: new Set(), require: new Set() };
  for (const target of Object.values(pkg.exports ?? {})) {
    for (const condition of ['import', 'require']) {
      const types = target?.[condition]?.types ?? (condition === 'import' && target?.import ? target.types : undefined);
      const ext = types && /\.d\.[cm]?ts$/.exec(types)?.[0];
      if (ext) found[condition].add(ext);
    }
  }
  return [...new Set([...found.import, ...found.require])];
}

/**
 * Dependencies that `require()` cannot load before Node 20.19 (ESM-only: `"type": "module"`
 * and no `require` condition, like nanoid 5). The CJS build bundles them, so the `.cjs` files
 * load on Node 18 and in Electron 28–36 main processes; the ESM build keeps them external.
 */
function esmOnlyDeps(dir, pkg) {
  return Object.keys(pkg.dependencies ?? {}).filter((dep) => {
    const file = `${dir}/node_modules/${dep}/package.json`;
    if (!existsSync(file)) return false;
    const dp = JSON.parse(readFileSync(file, 'utf8'));
    return dp.type === 'module' && !/"require"|\.cjs"/.test(JSON.stringify(dp.exports ?? {})) && !dp.main?.endsWith('.cjs');
  });
}

/** License notice for the code of `deps` bundled into a file. */
function bundledNotice(dir, deps) {
  if (!deps.length) return undefined;
  const lines = deps.map((dep) => {
    const dp = JSON.parse(readFileSync(`${dir}/node_modules/${dep}/package.json`, 'utf8'));
    const author = typeof dp.author === 'string' ? dp.author : dp.author?.name;
    return ` * ${dp.name} ${dp.version}, ${dp.license} License${author ? `, (c) ${author}` : ''}`;
  });
  return `/*!\n * Bundled here because it is ESM-only and require() of ESM needs Node 20.19:\n${lines.join('\n')}\n */`;
}

/**
 * Private workspace packages (`@tidemark/protocol`): never published, so every package that
 * imports one bundles it, from source, into its own dist (code and declarations).
 */
const privatePackages = readdirSync('packages')
  .filter((name) => existsSync(`packages/${name}/package.json`) && JSON.parse(readFileSync(`packages/${name}/package.json`, 'utf8')).private)
  .map((name) => `@tidemark/${name}`);
const privateSources = {
  name: 'tidemark-private-sources',
  resolveId(id) {
    return privatePackages.includes(id) ? `${process.cwd()}/packages/${id.slice('@tidemark/'.length)}/src/index.ts` : null;
  },
};

/** Rollup configs for one package folder. */
function build(dir) {
  const pkg = JSON.parse(readFileSync(`${dir}/package.json`, 'utf8'));
  if (pkg.private) return [];
  const deps = Object.keys({ ...pkg.dependencies, ...pkg.peerDependencies, ...pkg.devDependencies }).filter((d) => !privatePackages.includes(d));
  const externalFor = (inline) => (id) =>
    nodeBuiltins.has(id) || deps.some((d) => !inline.includes(d) && (id === d || id.startsWith(`${d}/`)));
  const external = externalFor([]);
  const input = entriesOf(dir, pkg);
  const configs = [];
  if (Object.keys(input).length) {
    const plugins = [privateSources, ts([`${dir}/src/**/*.ts`, 'packages/protocol/src/**/*.ts'])];
    const es = { dir: `${dir}/dist`, format: 'es', entryFileNames: '[name].mjs', chunkFileNames: 'chunks/[name]-[hash].mjs', sourcemap: true };
    const cjs = { dir: `${dir}/dist`, format: 'cjs', entryFileNames: '[name].cjs', chunkFileNames: 'chunks/[name]-[hash].cjs', sourcemap: true, exports: 'named' };
    const inline = esmOnlyDeps(dir, pkg);
    if (inline.length) {
      configs.push(
        { input, external, plugins, output: es },
        {
          input,
          external: externalFor(inline),
          plugins: [privateSources, resolve({ exportConditions: ['node'], preferBuiltins: true }), ts([`${dir}/src/**/*.ts`, 'packages/protocol/src/**/*.ts'])],
          output: { ...cjs, banner: bundledNotice(dir, inline) },
        },
      );
    } else {
      configs.push({ input, external, plugins, output: [es, cjs] });
    }
    configs.push({
      input,
      external,
      // respectExternal: the private packages' declarations are bundled too, the rest stay imports.
      plugins: [privateSources, dts({ tsconfig: 'tsconfig.base.json', respectExternal: true })],
      output: declarationExtensions(pkg).map((ext) => ({
        dir: `${dir}/dist`,
        format: 'es',
        entryFileNames: `[name]${ext}`,
        chunkFileNames: `chunks/[name]-[hash]${ext}`,
      })),
    });
  }
  for (const [file, { input: src, name, codes }] of Object.entries(pkg.iife ?? {})) {
    configs.push({
      input: `${dir}/${src}`,
      plugins: browserPlugins([`${dir}/src/**/*.ts`, 'packages/*/src/**/*.ts'], { codes }),
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
