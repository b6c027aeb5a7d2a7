import { WIRE_LIMITS } from './limits.js';

/**
 * Why a parsed JSON value cannot be stored, or `null` when it can: nesting deeper than
 * {@link WIRE_LIMITS.maxDepth}, or a `__proto__` key, which a consumer merging the event with
 * `Object.assign` or a spread would turn into prototype pollution.
 *
 * @param value - a value from `JSON.parse`
 * @returns a reason, or `null`
 * @example checkJson(JSON.parse('{"__proto__":{"x":1}}')) // 'forbidden key "__proto__"'
 */
export function checkJson(value: unknown): string | null {
  return walk(value, 0);
}

function walk(value: unknown, depth: number): string | null {
  if (value === null || typeof value !== 'object') return null;
  // Recursion stops at the limit, so hostile nesting cannot exhaust the stack.
  if (depth >= WIRE_LIMITS.maxDepth) return `nested deeper than ${WIRE_LIMITS.maxDepth} levels`;
  if (Array.isArray(value)) {
    for (const item of value) {
      const problem = walk(item, depth + 1);
      if (problem) return problem;
    }
    return null;
  }
  for (const key of Object.keys(value)) {
    if (key === '__proto__') return 'forbidden key "__proto__"';
    const problem = walk((value as Record<string, unknown>)[key], depth + 1);
    if (problem) return problem;
  }
  return null;
}
