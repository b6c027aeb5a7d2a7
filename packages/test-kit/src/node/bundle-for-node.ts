import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The workspace's `packages/`, found upwards from this file (its source or its build). */
function packagesDir(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, 'pnpm-workspace.yaml'))) return join(dir, 'packages');
  }
  throw new Error('bundleForNode runs inside the Tidemark workspace only (no pnpm-workspace.yaml above it)');
}

interface Rolldown {
  build(options: {
    input: string;
    platform: 'node';
    write: boolean;
    resolve: { alias: Record<string, string> };
    output: { file: string; format: 'esm' };
    logLevel: 'silent';
  }): Promise<unknown>;
}

/** Options of {@link bundleForNode}. */
export interface BundleOptions {
  /**
   * Workspace packages the code loads at run time by a computed name, which no bundler can
   * follow (the server client's spool loads `@tidemark/node-store` so). Each is bundled too
   * and installed in a `node_modules/` next to `outFile`, where Node's resolution finds it.
   * @example ['@tidemark/node-store']
   */
  runtimeImports?: string[];
}

/**
 * Bundle a TypeScript entry (and the workspace packages it imports) into one ESM file that
 * plain `node` runs, for tests that need real child processes: Node 20 cannot run `.ts`,
 * and a child must start in milliseconds. Uses the Rolldown bundler that Vitest's Vite
 * already brings, found through Vitest so no extra dependency is needed.
 *
 * @param entry - absolute path of the `.ts` entry
 * @param outFile - where to write the bundle
 * @param options - packages loaded at run time
 * @returns `outFile`
 */
export async function bundleForNode(entry: string, outFile: string, options: BundleOptions = {}): Promise<string> {
  const fromVitest = createRequire(createRequire(import.meta.url).resolve('vitest/package.json'));
  const fromVite = createRequire(fromVitest.resolve('vite/package.json'));
  const rolldown = (await import(pathToFileURL(fromVite.resolve('rolldown')).href)) as Rolldown;
  const packages = packagesDir();
  const sourceOf = (name: string) => join(packages, name, 'src', 'index.ts');
  const alias = Object.fromEntries(readdirSync(packages).map((name) => [`@tidemark/${name}`, sourceOf(name)]));
  const build = (input: string, file: string) =>
    rolldown.build({ input, platform: 'node', write: true, resolve: { alias }, output: { file, format: 'esm' }, logLevel: 'silent' });
  await build(entry, outFile);
  for (const name of options.runtimeImports ?? []) {
    const installed = join(dirname(outFile), 'node_modules', name);
    mkdirSync(installed, { recursive: true });
    writeFileSync(join(installed, 'package.json'), JSON.stringify({ name, type: 'module', exports: './index.mjs' }));
    await build(sourceOf(name.replace(/^@tidemark\//, '')), join(installed, 'index.mjs'));
  }
  return outFile;
}
