// Node runtimes to run the tarballs on, from the npm registry: the `node-<os>-<arch>`
// packages that the `node` package installs, fetched with `npm pack` (no install scripts)
// and kept in node_modules/.cache, so a second run downloads nothing.
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { run } from './run.mjs';

/** The oldest Node we support, and the last before `require(esm)` (20.19). */
export const PINNED_NODES = ['18.20.8', '20.18.3'];

const platformPackage = `node-${process.platform}-${process.arch}`;

/**
 * The newest Node release on the registry.
 *
 * @returns {Promise<string>} e.g. `26.12.1`
 */
export async function latestNode() {
  return (await run('npm', ['view', platformPackage, 'dist-tags.latest'])).trim();
}

/**
 * The `node` binary of one version, downloaded once into `cacheDir`.
 *
 * @param {string} version - e.g. `18.20.8`
 * @param {string} cacheDir - where runtimes are kept
 * @returns {Promise<string>} the binary's path
 */
export async function nodeBinary(version, cacheDir) {
  const dir = join(cacheDir, `${platformPackage}-${version}`);
  const bin = join(dir, 'package', 'bin', process.platform === 'win32' ? 'node.exe' : 'node');
  if (existsSync(bin)) return bin;
  const partial = `${dir}.partial-${process.pid}`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  const out = await run('npm', ['pack', `${platformPackage}@${version}`, '--silent'], { cwd: partial, timeoutMs: 180_000 });
  await run('tar', ['-xzf', join(partial, out.trim().split('\n').pop().trim()), '-C', partial]);
  rmSync(dir, { recursive: true, force: true });
  renameSync(partial, dir);
  return bin;
}
