import type { JsonObject, JsonValue } from './types.js';

/** Deepest nesting kept; deeper values become the string `'[Depth]'`. */
const MAX_DEPTH = 20;

/**
 * Copy a value into plain JSON without ever throwing: Dates become ISO strings, BigInts
 * strings, functions and symbols are dropped, circular references become `'[Circular]'`,
 * non-finite numbers `null`, and `__proto__`/`constructor`/`prototype` keys are skipped so a
 * hostile payload cannot pollute a prototype where the event is later merged.
 *
 * @param value - anything the app passed as properties or traits
 * @returns a JSON-safe object (an empty object for non-objects)
 * @example toJsonObject({ at: new Date(0), n: 10n }) // { at: '1970-01-01T00:00:00.000Z', n: '10' }
 */
export function toJsonObject(value: unknown): JsonObject {
  const out = value !== null && typeof value === 'object' ? copy(value, new Set(), 0) : undefined;
  return out !== null && typeof out === 'object' && !Array.isArray(out) ? out : {};
}

function copy(value: unknown, seen: Set<object>, depth: number): JsonValue | undefined {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) ? value : null;
    case 'bigint':
      return value.toString();
    case 'object':
      break;
    default:
      return undefined; // functions, symbols, undefined
  }
  if (value === null) return null;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (seen.has(value)) return '[Circular]';
  if (depth >= MAX_DEPTH) return '[Depth]';
  seen.add(value);
  try {
    if (Array.isArray(value)) {
      return value.map((item) => copy(item, seen, depth + 1) ?? null);
    }
    const toJSON = (value as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === 'function') return copy(toJSON.call(value), seen, depth + 1);
    const out: JsonObject = {};
    for (const key of Object.keys(value)) {
      if (key === '__proto__' || key === 'constructor' || key === 'prototype') continue;
      let item: unknown;
      try {
        item = (value as Record<string, unknown>)[key];
      } catch {
        continue; // a throwing getter loses only its own key
      }
      const safe = copy(item, seen, depth + 1);
      if (safe !== undefined) out[key] = safe;
    }
    return out;
  } catch {
    return null; // a hostile Proxy; the rest of the event survives
  } finally {
    seen.delete(value);
  }
}
