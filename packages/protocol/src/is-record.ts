/**
 * Whether a value is an object with fields: not `null`, not an array. The shape every wire
 * object (a body, an event, a `context`) must have before its fields are read.
 *
 * @param value - anything, e.g. from `JSON.parse`
 * @returns true for `{…}`, false for `null`, arrays and primitives
 * @example isRecord(JSON.parse('{"batch":[]}')) // true
 */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
