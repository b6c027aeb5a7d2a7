// After a build: every file named in a package's exports map (and its iife list) must exist.
import { readFileSync, readdirSync, existsSync } from 'node:fs';

const missing = [];
const collect = (target, out) => {
  if (typeof target === 'string') out.push(target);
  else if (target && typeof target === 'object') for (const v of Object.values(target)) collect(v, out);
};
for (const name of readdirSync('packages')) {
  const dir = `packages/${name}`;
  if (!existsSync(`${dir}/package.json`)) continue;
  const pkg = JSON.parse(readFileSync(`${dir}/package.json`, 'utf8'));
  const files = [];
  collect(pkg.exports, files);
  for (const key of ['main', 'module', 'types']) if (pkg[key]) files.push(pkg[key]);
  for (const file of Object.keys(pkg.iife ?? {})) files.push(`./${file}`);
  for (const file of files) if (!existsSync(`${dir}/${file}`)) missing.push(`${pkg.name}: ${file}`);
}
if (missing.length) {
  console.error(`Files named in package exports are missing after the build:\n  ${missing.join('\n  ')}`);
  process.exit(1);
}
