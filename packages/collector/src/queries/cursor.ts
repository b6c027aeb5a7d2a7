import { HttpError } from '../http/reply.js';

/** What an export walks over. */
export type ExportKind = 'events' | 'sessions' | 'users';

/**
 * Make the opaque cursor of an export page: the kind and the position (the last `seq` or
 * change sequence read). Positions only grow, so a cursor never skips or repeats a row.
 *
 * @param kind - events, sessions or users
 * @param position - last position read
 * @returns a URL-safe string
 */
export function encodeCursor(kind: ExportKind, position: number): string {
  return Buffer.from(JSON.stringify({ k: kind, p: position })).toString('base64url');
}

/**
 * Read a cursor made by {@link encodeCursor}.
 *
 * @param kind - the kind the route serves
 * @param cursor - the cursor, or `null`/empty for the first page
 * @returns the position (0 for the first page)
 * @throws HttpError 400 `bad_request` when it is not a cursor of this kind
 */
export function decodeCursor(kind: ExportKind, cursor: string | null): number {
  if (cursor === null || cursor === '') return 0;
  const invalid = new HttpError(400, 'bad_request', `invalid cursor: pass the nextCursor of a previous /v1/export/${kind} answer`);
  if (cursor.length > 200 || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw invalid;
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid;
  }
  const { k, p } = (value ?? {}) as { k?: unknown; p?: unknown };
  if (k !== kind || typeof p !== 'number' || !Number.isSafeInteger(p) || p < 0) throw invalid;
  return p;
}
