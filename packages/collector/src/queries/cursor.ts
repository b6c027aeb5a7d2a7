import { HttpError } from '../http/reply.js';

/** What an export walks over. */
export type ExportKind = 'events' | 'sessions' | 'users';

/**
 * Where an export page ends. SQLite: the last `seq` or change sequence read (one writer, so
 * positions only grow). ClickHouse: `[ord, source, key]` of the last row read — `ord` is the
 * writing collector's insert order, and source and key break ties between collectors.
 * `0` is the start for both.
 */
export type CursorPosition = number | readonly [number, string, string];

const isTuple = (p: unknown): p is [number, string, string] =>
  Array.isArray(p) && p.length === 3 && Number.isSafeInteger(p[0]) && p[0] >= 0 && typeof p[1] === 'string' && typeof p[2] === 'string' && p[1].length <= 400 && p[2].length <= 400;

/**
 * Make the opaque cursor of an export page: the kind and the position.
 *
 * @param kind - events, sessions or users
 * @param position - last position read
 * @returns a URL-safe string
 */
export function encodeCursor(kind: ExportKind, position: CursorPosition): string {
  return Buffer.from(JSON.stringify({ k: kind, p: position })).toString('base64url');
}

/**
 * The 400 answer to a cursor that is not one of this route and store.
 *
 * @param kind - the route's kind
 * @returns the error to throw
 */
export function invalidCursor(kind: ExportKind): HttpError {
  return new HttpError(400, 'bad_request', `invalid cursor: pass the nextCursor of a previous /v1/export/${kind} answer`);
}

/**
 * Read a cursor made by {@link encodeCursor}.
 *
 * @param kind - the kind the route serves
 * @param cursor - the cursor, or `null`/empty for the first page
 * @returns the position (0 for the first page)
 * @throws HttpError 400 `bad_request` when it is not a cursor of this kind
 */
export function decodeCursor(kind: ExportKind, cursor: string | null): CursorPosition {
  if (cursor === null || cursor === '') return 0;
  const invalid = invalidCursor(kind);
  if (cursor.length > 2000 || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw invalid;
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid;
  }
  const { k, p } = (value ?? {}) as { k?: unknown; p?: unknown };
  if (k !== kind) throw invalid;
  if (typeof p === 'number' && Number.isSafeInteger(p) && p >= 0) return p;
  if (isTuple(p)) return [p[0], p[1], p[2]];
  throw invalid;
}
