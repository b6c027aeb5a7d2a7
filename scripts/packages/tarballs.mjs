// The tarballs users would install: `pnpm pack` of every public package under packages/
// (so `workspace:*` becomes a version, as on publish), unpacked for inspection, and the
// checks of what npm shows about a package: README, LICENSE, repository links, engines, and
// source maps that carry their sources (the tarballs hold no src/).
import { mkdirSync, readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { inParallel, run } from './run.mjs';

/**
 * Every package under packages/ that is not private, so new packages are covered unasked.
 *
 * @param {string} root - the repository
 * @returns {Array<{ dir: string, folder: string, pkg: any }>} the packages
 */
export function publicPackages(root) {
  return readdirSync(join(root, 'packages'))
    .map((folder) => ({ folder, dir: join(root, 'packages', folder) }))
    .filter(({ dir }) => existsSync(join(dir, 'package.json')))
    .map((p) => ({ ...p, pkg: JSON.parse(readFileSync(join(p.dir, 'package.json'), 'utf8')) }))
    .filter(({ pkg }) => !pkg.private);
}

/**
 * Pack and unpack every public package.
 *
 * @param {string} root - the repository
 * @param {string} work - a scratch directory
 * @returns {Promise<Array<{ name: string, folder: string, tarball: string, unpacked: string, pkg: any }>>}
 */
export async function packAll(root, work) {
  const dest = join(work, 'tarballs');
  mkdirSync(dest, { recursive: true });
  const packages = publicPackages(root);
  return inParallel(
    packages.map(({ dir, folder, pkg }) => async () => {
      const out = await run('pnpm', ['pack', '--pack-destination', dest], { cwd: dir });
      const tarball = out.trim().split('\n').reverse().find((line) => line.endsWith('.tgz'))?.trim();
      if (!tarball || !existsSync(tarball)) throw new Error(`pnpm pack printed no tarball for ${pkg.name}:\n${out}`);
      const unpacked = join(work, 'unpacked', folder);
      mkdirSync(unpacked, { recursive: true });
      await run('tar', ['-xzf', tarball, '-C', unpacked]);
      const packed = JSON.parse(readFileSync(join(unpacked, 'package', 'package.json'), 'utf8'));
      return { name: pkg.name, folder, tarball, unpacked: join(unpacked, 'package'), pkg: packed };
    }),
  );
}

/** Every file below `dir`, relative to it. */
function filesOf(dir, prefix = '') {
  return readdirSync(join(dir, prefix), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesOf(dir, join(prefix, e.name)) : [join(prefix, e.name)],
  );
}

/**
 * What a registry page and a debugger need from each tarball, as problems found.
 *
 * @param {string} root - the repository (its LICENSE and `repository` are the reference)
 * @param {Awaited<ReturnType<typeof packAll>>} packed - from {@link packAll}
 * @returns {string[]} one line per problem; none when all is well
 */
export function metadataProblems(root, packed) {
  const rootPkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const license = readFileSync(join(root, 'LICENSE'), 'utf8');
  const problems = [];
  for (const { name, folder, unpacked, pkg } of packed) {
    const say = (text) => problems.push(`${name}: ${text}`);
    const files = filesOf(unpacked);
    if (!files.includes('README.md')) say('no README.md in the tarball');
    if (!files.includes('LICENSE')) say('no LICENSE in the tarball');
    else if (readFileSync(join(unpacked, 'LICENSE'), 'utf8') !== license) say('LICENSE differs from the repository LICENSE');
    if (pkg.license !== 'MIT') say(`license is ${pkg.license}, not MIT`);
    if (pkg.repository?.url !== rootPkg.repository?.url) say(`repository.url should be ${rootPkg.repository?.url}`);
    if (pkg.repository?.directory !== `packages/${folder}`) say(`repository.directory should be packages/${folder}`);
    if (!pkg.homepage || !pkg.bugs?.url) say('homepage and bugs.url are required');
    if (!pkg.engines?.node) say('engines.node is required');
    for (const file of files.filter((f) => f.endsWith('.map'))) {
      const map = JSON.parse(readFileSync(join(unpacked, file), 'utf8'));
      const missing = map.sources.filter((_, i) => typeof map.sourcesContent?.[i] !== 'string');
      if (missing.length) say(`${file} has no sourcesContent for ${missing.length} of ${map.sources.length} sources (e.g. ${missing[0]})`);
    }
  }
  return problems;
}
