import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const packagesDir = fileURLToPath(new URL('../../../', import.meta.url));

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

/**
 * Bundle a TypeScript entry (and the workspace packages it imports) into one ESM file that
 * plain `node` runs, for tests that need real child processes: Node 20 cannot run `.ts`,
 * and a child must start in milliseconds. Uses the Rolldown bundler that Vitest's Vite
 * already brings, found through Vitest so no extra dependency is needed.
 *
 * @param entry - absolute path of the `.ts` entry
 * @param outFile - where to write the bundle
 * @returns `outFile`
 */
export async function bundleForNode(entry: string, outFile: string): Promise<string> {
  const fromVitest = createRequire(createRequire(import.meta.url).resolve('vitest/package.json'));
  const fromVite = createRequire(fromVitest.resolve('vite/package.json'));
  const rolldown = (await import(pathToFileURL(fromVite.resolve('rolldown')).href)) as Rolldown;
  const alias = Object.fromEntries(
    readdirSync(packagesDir).map((name) => [`@tidemark/${name}`, join(packagesDir, name, 'src', 'index.ts')]),
  );
  await rolldown.build({
    input: entry,
    platform: 'node',
    write: true,
    resolve: { alias },
    output: { file: outFile, format: 'esm' },
    logLevel: 'silent',
  });
  return outFile;
}

/** Directory of this file, to find sibling entries. */
export const testSupportDir = dirname(fileURLToPath(import.meta.url));
