/** Characters a TabSeparated field must escape: its separators and the escape itself. */
const SPECIAL = /[\\\t\n\r\0]/;
const SPECIALS = /[\\\t\n\r\0]/g;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r', '\0': '\\0' };

/**
 * One field as ClickHouse's `TabSeparated` input reads it. Strings escape backslash, tab,
 * newline, carriage return and NUL; everything else (quotes included) goes as it is, which is
 * why inserts use this format: a stored event's JSON text goes into the body unchanged
 * instead of being escaped again inside a JSON string, as `JSONEachRow` needs.
 *
 * @param value - a string, or a safe integer (IDs, times, positions: never a fraction)
 * @returns the field's text
 * @example tsvField('a\tb') // 'a\\tb'
 */
export function tsvField(value: string | number): string {
  if (typeof value === 'number') return String(value);
  return SPECIAL.test(value) ? value.replace(SPECIALS, (c) => ESCAPES[c]!) : value;
}

/**
 * The body of an `INSERT INTO table (columns) FORMAT TabSeparated`: one line per row, its
 * fields in the order of `columns`.
 *
 * @param columns - the column names, in the order the INSERT lists them
 * @param rows - the rows, each with a string or integer under every column
 * @returns the text, one `\n`-terminated line per row
 */
export function tsvRows<T extends object>(columns: readonly (keyof T & string)[], rows: readonly T[]): string {
  let text = '';
  for (const row of rows) {
    let line = '';
    for (let i = 0; i < columns.length; i++) line += (i === 0 ? '' : '\t') + tsvField(row[columns[i]!] as string | number);
    text += `${line}\n`;
  }
  return text;
}
