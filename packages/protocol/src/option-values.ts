// How every package checks a numeric option and describes a bad value in its error message:
// one wording, so the same mistake reads the same in the browser, on the server and in the
// collector. Each package wraps the message in its own error class.

/**
 * A short, printable description of a value the caller passed, for an error message: a long
 * string is described by its length (never echoed: it may be a token), and describing never
 * throws, whatever the value is.
 *
 * @param value - what the caller passed
 * @returns e.g. `"Signup"`, `a string of 512 characters`, `42`, `null`, `an object`
 */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return value.length > 40 ? `a string of ${value.length} characters` : JSON.stringify(value);
  if (typeof value === 'object' && value !== null) {
    try {
      return Array.isArray(value) ? 'an array' : 'an object';
    } catch {
      return 'an object'; // a revoked proxy throws even from Array.isArray
    }
  }
  if (typeof value === 'function') return 'a function';
  return String(value); // numbers, booleans, bigints, symbols' descriptions, null, undefined
}

/** Bounds of a numeric option. */
export interface NumberBounds {
  /** Smallest allowed value. */
  min: number;
  /** Largest allowed value; none when omitted. */
  max?: number;
  /** Whole numbers only. */
  integer?: boolean;
}

/**
 * A numeric option checked against its bounds, or its default when omitted.
 *
 * @param name - the option, as the caller wrote it (`flushInterval`, `rateLimit.burst`)
 * @param value - what the caller passed
 * @param fallback - the default, for `undefined`
 * @param bounds - what is allowed
 * @param fail - makes the package's own error from the message
 * @returns the value, or the default
 * @throws what `fail` returns, with a message that names the option, its range and the value
 * @example numberOption('port', 70000, 8080, { min: 0, max: 65535, integer: true }, invalid)
 *   // throws: port must be an integer from 0 to 65535 (got 70000)
 */
export function numberOption(name: string, value: unknown, fallback: number, bounds: NumberBounds, fail: (message: string) => Error): number {
  if (value === undefined) return fallback;
  const { min, max, integer } = bounds;
  const ok = typeof value === 'number' && (integer ? Number.isInteger(value) : Number.isFinite(value)) && value >= min && (max === undefined || value <= max);
  if (ok) return value;
  throw fail(`${name} must be ${rangeText(bounds)} (got ${describeValue(value)})`);
}

function rangeText({ min, max, integer }: NumberBounds): string {
  const kind = integer ? 'an integer' : 'a number';
  if (max !== undefined) return `${kind} from ${min} to ${max}`;
  if (integer && min === 1) return 'a positive integer';
  if (integer && min === 0) return 'a non-negative integer';
  return `${kind} of at least ${min}`;
}
