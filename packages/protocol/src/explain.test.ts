import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERRORS_DOC, explain } from './explain.js';
import { SENTENCES } from './sentences.js';

const root = new URL('../../../', import.meta.url);

/** The message codes the sources use, from every `explain('TMnn')` outside tests. */
function usedCodes(): string[] {
  const files = readdirSync(new URL('packages/', root)).flatMap((pkg) => {
    const src = new URL(`packages/${pkg}/src/`, root);
    try {
      return readdirSync(src, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts')).map((f) => new URL(f, src));
    } catch {
      return []; // a folder without src/
    }
  });
  const codes = files.flatMap((f) => [...readFileSync(f, 'utf8').matchAll(/explain\('(TM\d\d)'\)/g)].map((m) => m[1]!));
  return [...new Set(codes)].sort();
}

describe('explain', () => {
  it('gives the code and the docs anchor of its entry', () => {
    expect(explain('TM20')).toBe(`TM20 ${ERRORS_DOC}#tm20`);
  });

  it('is only for builds without sentences: source and npm builds carry them', () => {
    expect(SENTENCES).toBe(true);
  });

  it('every code the sources use has its entry in docs/errors.md, and the docs list no other', () => {
    const doc = readFileSync(new URL('docs/errors.md', root), 'utf8');
    const documented = [...doc.matchAll(/^### (TM\d\d)$/gm)].map((m) => m[1]!).sort();
    const used = usedCodes();
    expect(used.length).toBeGreaterThan(30);
    expect(documented).toEqual(used);
  });
});
