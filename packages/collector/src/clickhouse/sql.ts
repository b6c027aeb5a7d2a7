import { wellFormed } from './ch-rows.js';

/**
 * A ClickHouse string literal. Queries carry escaped literals, not `query_params`: older
 * servers (Debian's 18.16) have no query parameters, and the same SQL runs on current ones.
 * Backslash and quote are escaped, and so is NUL (a raw one ends the literal in some clients);
 * a lone surrogate becomes U+FFFD, as in the stored rows.
 *
 * @param value - any text, from a request or not
 * @returns the quoted literal
 * @example quote("O'Brien") // "'O\\'Brien'"
 */
export function quote(value: string): string {
  return `'${wellFormed(value).replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\0/g, '\\0')}'`;
}

/**
 * A parenthesized list of string literals for `IN`.
 *
 * @param values - at least one value
 * @returns `('a', 'b')`
 */
export function quoteList(values: readonly string[]): string {
  return `(${values.map(quote).join(', ')})`;
}

/**
 * An integer literal, checked: numbers in SQL text come from parsed requests, and a NaN or a
 * fraction must never reach the server.
 *
 * @param value - a safe integer
 * @returns its decimal text
 * @throws RangeError when it is not a safe integer
 */
export function int(value: number): string {
  if (!Number.isSafeInteger(value)) throw new RangeError(`not a safe integer: ${value}`);
  return String(value);
}

/**
 * The tuple condition `(ord, source, key) > (…)` of a cursor, for ordering by position.
 *
 * @param columns - the three columns of the position (trusted names)
 * @param position - the last position read
 * @returns the condition
 */
export function after(columns: readonly [string, string, string], position: readonly [number, string, string]): string {
  return `(${columns.join(', ')}) > (${int(position[0])}, ${quote(position[1])}, ${quote(position[2])})`;
}

/**
 * SQL of the UTC day number of a column of ms since the epoch, rounding down also before
 * 1970 (`intDiv` rounds towards zero, which would put 1969-12-31 on day 0).
 *
 * @param column - a trusted column name
 * @returns the expression
 */
export const dayNumber = (column: string): string => `toInt64(floor(${column} / 86400000))`;
