// Every package declares what it imports, and imports what it declares. Reads each
// package's src/ (tests included: they count as devDependencies) for import specifiers and
// fails on a bare import its package.json does not declare, on a relative import that leaves
// the package, and on a declared dependency nothing imports. Part of `pnpm test`.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
/** Declared for what they bring besides imports: types, binaries, peers' own needs. */
const NOT_IMPORTED_OK = /^@types\//;

/** Every .ts file under `dir`. */
function sources(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'node_modules' || name === 'dist' ? [] : sources(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

/** Import specifiers of a file: static imports and exports, `import()` and `require()` of literals. */
function specifiers(text) {
  const found = [];
  const patterns = [/^\s*(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]/gm, /^\s*import\s*['"]([^'"]+)['"]/gm, /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g, /\brequire\(\s*['"]([^'"]+)['"]\s*\)/g];
  for (const pattern of patterns) for (const m of text.matchAll(pattern)) found.push(m[1]);
  return found;
}

/** `@scope/name/sub` → `@scope/name`; `name/sub` → `name`. */
const packageOf = (spec) => (spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]);

const problems = [];
for (const name of readdirSync(join(root, 'packages'))) {
  const dir = join(root, 'packages', name);
  let pkg;
  try {
    pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  } catch {
    continue;
  }
  const declared = new Set(Object.keys({ ...pkg.dependencies, ...pkg.devDependencies, ...pkg.peerDependencies, ...pkg.optionalDependencies }));
  const used = new Set();
  for (const file of sources(join(dir, 'src'))) {
    for (const spec of specifiers(readFileSync(file, 'utf8'))) {
      const where = relative(root, file);
      if (spec.startsWith('.')) {
        if (!resolve(file, '..', spec).startsWith(dir + '/')) problems.push(`${where}: '${spec}' reaches outside ${pkg.name}`);
        continue;
      }
      if (builtins.has(spec) || builtins.has(spec.split('/')[0])) continue;
      const dep = packageOf(spec);
      if (dep === pkg.name) continue;
      used.add(dep);
      if (!declared.has(dep)) problems.push(`${where}: imports '${dep}', which ${pkg.name} does not declare`);
    }
  }
  for (const dep of declared) {
    if (!used.has(dep) && !NOT_IMPORTED_OK.test(dep) && !(pkg.tidemark?.declaredWithoutImport ?? []).includes(dep)) problems.push(`packages/${name}/package.json: declares '${dep}', which nothing in src/ imports`);
  }
}

if (problems.length) {
  console.error(`check-imports: ${problems.length} problem(s)\n  ${[...new Set(problems)].join('\n  ')}`);
  process.exit(1);
}
console.log('check-imports: every package declares what it imports, and imports what it declares');
