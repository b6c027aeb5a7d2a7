// A fresh npm project with the packed tarballs installed, as a new user would have it, and
// what runs in it: the TypeScript projects of each module mode and a Vite build.
import { copyFileSync, cpSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { run } from './run.mjs';

const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));

/**
 * What the project installs besides the tarballs. Electron 28 is the oldest we support (its
 * main process runs Node 18); only its types are used, its binary is never downloaded.
 * `@types/node` 18 is the oldest Node's, and the one Electron 28's types ask for.
 */
export const TOOLS = ['typescript@5.9.3', '@types/node@18', 'electron@28'];

/**
 * The browser app's project, apart: a web app installs only the client packages, and Vite 8
 * refuses the `@types/node` 18 that Electron 28 needs.
 */
export const VITE_APP = { packages: ['@tidemark/core', '@tidemark/transport-http'], tools: ['vite@8'] };

/**
 * Every entry of the packed packages, by how it can be loaded: `require`/`import` for the
 * module entries, `types` for everything TypeScript resolves (script bundles included).
 *
 * @param {Array<{ name: string, pkg: any }>} packed - from `packAll`
 * @returns {{ require: string[], import: string[], types: string[] }}
 */
export function entriesOf(packed) {
  const entries = { require: [], import: [], types: [] };
  for (const { name, pkg } of packed) {
    for (const [subpath, target] of Object.entries(pkg.exports ?? {})) {
      const spec = subpath === '.' ? name : `${name}/${subpath.slice(2)}`;
      if (typeof target === 'string') {
        // JSON data (the SRI manifest, package.json): require() reads it on every Node.
        if (target.endsWith('.json')) entries.require.push(spec);
        continue;
      }
      if (target.require) entries.require.push(spec);
      if (target.import) entries.import.push(spec);
      if (target.types || target.import?.types || target.require?.types) entries.types.push(spec);
    }
  }
  return entries;
}

/**
 * Create a project and install tarballs and tools with npm.
 *
 * @param {string} dir - where (created)
 * @param {string[]} installs - tarball paths and `name@range` specs
 * @returns {Promise<string>} the project directory
 */
async function npmProject(dir, installs) {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify({ name: 'tidemark-fresh-project', private: true }, null, 2)}\n`);
  // --ignore-scripts: nothing here needs one, and electron's would download its binary.
  const env = { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '1' };
  await run('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', '--no-package-lock', '--loglevel=error', ...installs], { cwd: dir, env, timeoutMs: 240_000 });
  return dir;
}

/**
 * The main fresh project: every tarball and {@link TOOLS}, the entry list and the smoke test.
 *
 * @param {string} work - a scratch directory
 * @param {Array<{ tarball: string }>} packed - from `packAll`
 * @param {ReturnType<typeof entriesOf>} entries - from {@link entriesOf}
 * @returns {Promise<string>} the project directory
 */
export async function freshProject(work, packed, entries) {
  const dir = await npmProject(join(work, 'project'), [...packed.map((p) => p.tarball), ...TOOLS]);
  writeFileSync(join(dir, 'entries.json'), `${JSON.stringify(entries, null, 2)}\n`);
  for (const file of ['smoke.mjs', 'smoke-run.cjs']) copyFileSync(join(fixtures, file), join(dir, file));
  return dir;
}

/**
 * The browser app's fresh project ({@link VITE_APP}) with fixtures/vite-app in it.
 *
 * @param {string} work - a scratch directory
 * @param {Array<{ name: string, tarball: string }>} packed - from `packAll`
 * @returns {Promise<string>} the project directory
 */
export async function viteProject(work, packed) {
  const tarballs = packed.filter((p) => VITE_APP.packages.includes(p.name)).map((p) => p.tarball);
  const dir = await npmProject(join(work, 'vite-app'), [...tarballs, ...VITE_APP.tools]);
  cpSync(join(fixtures, 'vite-app'), dir, { recursive: true });
  return dir;
}

// The DOM lib too: Electron's own types need it, and so do the browser packages' (they name
// `HTMLScriptElement`, `IDBDatabase`…), as in any Electron or web app project.
const strict = { strict: true, noEmit: true, skipLibCheck: false, noUncheckedSideEffectImports: true, types: ['node'], lib: ['es2022', 'dom'], target: 'es2022' };

/**
 * The TypeScript projects: one per module mode users have. Each type-checks an import of
 * every entry (so a file missing from `exports`/`typesVersions`, or `.d.ts` of the wrong
 * format, fails) and the documented API (usage.ts), with `skipLibCheck` off so our
 * declarations are checked too. `ext` is the source extension that gives the mode's format.
 */
export const TS_MODES = [
  { name: 'bundler', type: 'module', ext: ['.ts'], options: { module: 'esnext', moduleResolution: 'bundler', resolveJsonModule: true }, browser: true },
  { name: 'node16 (ESM)', type: 'module', ext: ['.ts'], options: { module: 'node16', moduleResolution: 'node16' } },
  { name: 'node16 (CJS)', type: 'commonjs', ext: ['.ts'], options: { module: 'node16', moduleResolution: 'node16' } },
  // Apart, not one program: a dual package's ESM and CJS declarations are distinct types, and
  // @tidemark/server's `req.tidemark` augmentation of Express would be declared twice.
  { name: 'nodenext (ESM)', type: 'module', ext: ['.mts'], options: { module: 'nodenext', moduleResolution: 'nodenext' } },
  { name: 'nodenext (CJS)', type: 'module', ext: ['.cts'], options: { module: 'nodenext', moduleResolution: 'nodenext' } },
  { name: 'node10', type: 'commonjs', ext: ['.ts'], options: { module: 'commonjs', moduleResolution: 'node10', esModuleInterop: true } },
];

/**
 * Write one mode's project.
 *
 * @param {string} dir - the fresh project
 * @param {(typeof TS_MODES)[number]} mode - the mode
 * @param {string[]} specs - every entry TypeScript should resolve (`entries.types`)
 * @returns {string} its tsconfig.json
 */
export function writeTypeProject(dir, mode, specs) {
  const folder = join(dir, 'types', mode.name.replace(/\W+/g, '-').replace(/-$/, ''));
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, 'package.json'), `${JSON.stringify({ private: true, type: mode.type })}\n`);
  const entries = `${specs.map((spec, i) => `import * as e${i} from '${spec}';`).join('\n')}\nexport const entries = [${specs.map((_, i) => `e${i}`).join(', ')}];\n`;
  for (const ext of mode.ext) {
    writeFileSync(join(folder, `entries${ext}`), entries);
    copyFileSync(join(fixtures, 'usage.ts'), join(folder, `usage${ext}`));
  }
  if (mode.browser) copyFileSync(join(fixtures, 'browser.ts'), join(folder, 'browser.ts'));
  const tsconfig = join(folder, 'tsconfig.json');
  writeFileSync(tsconfig, `${JSON.stringify({ compilerOptions: { ...strict, ...mode.options }, include: ['*.ts', '*.mts', '*.cts'] }, null, 2)}\n`);
  return tsconfig;
}

/**
 * Type-check one mode's project with the project's own TypeScript.
 *
 * @param {string} dir - the fresh project
 * @param {string} tsconfig - from {@link writeTypeProject}
 */
export async function typeCheck(dir, tsconfig) {
  await run(process.execPath, [join(dir, 'node_modules/typescript/bin/tsc'), '-p', tsconfig], { cwd: dir });
}

/**
 * Build the tiny Vite app of fixtures/vite-app for the browser, and check the bundle holds
 * the client and nothing of Node.
 *
 * @param {string} dir - from {@link viteProject}
 * @returns {Promise<string>} the bundle's name and size
 */
export async function viteBuild(dir) {
  await run(process.execPath, [join(dir, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'], { cwd: dir });
  const assets = join(dir, 'dist', 'assets');
  const bundles = readdirSync(assets).filter((f) => f.endsWith('.js'));
  const code = bundles.map((f) => readFileSync(join(assets, f), 'utf8')).join('\n');
  if (!code.includes('https://collector.example') || !code.includes('/v1/batch')) throw new Error(`the Vite bundle (${bundles.join(', ')}) does not hold the client`);
  // A Node built-in in browser code becomes an import, or Vite's empty stand-in for it.
  const node = /\bfrom\s*["']node:|\bimport\(\s*["']node:|__vite-browser-external/.exec(code);
  if (node) throw new Error(`the Vite bundle refers to Node: …${code.slice(Math.max(0, node.index - 60), node.index + 60)}…`);
  return `${bundles.join(', ')}: ${(code.length / 1024).toFixed(1)} KB minified`;
}
