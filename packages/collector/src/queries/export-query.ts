import { HttpError } from '../http/reply.js';
import { decodeCursor, type CursorPosition, type ExportKind } from './cursor.js';

/** Parameters of the export routes. */
export interface ExportQuery {
  /** Where the previous page ended (`0` for the first page). */
  position: CursorPosition;
  pageSize: number;
  /** Inclusive, ms. */
  startMs: number | null;
  /** Exclusive, ms. */
  endMs: number | null;
  /** Event names (events only). */
  names: string[] | null;
}

/** One page of an export. */
export interface ExportPage<T> {
  items: T[];
  /** Pass it back to get the next page; when `items` is empty, keep it and ask again later. */
  nextCursor: string;
}

function epochSeconds(query: URLSearchParams, name: string): number | null {
  const text = query.get(name);
  if (text === null || text === '') return null;
  if (!/^-?\d{1,12}$/.test(text)) throw new HttpError(400, 'bad_request', `${name} must be a time in whole seconds since the epoch`);
  return Number(text) * 1000;
}

/**
 * Read `cursor`, `pageSize` (1–1000, default 100), `start`/`end` (epoch seconds, start
 * inclusive, end exclusive) and `events=a,b`.
 *
 * @param kind - the route's kind
 * @param query - the query string
 * @returns the parsed parameters
 * @throws HttpError 400 on a bad value
 */
export function parseExportQuery(kind: ExportKind, query: URLSearchParams): ExportQuery {
  const size = query.get('pageSize') ?? '100';
  if (!/^\d{1,4}$/.test(size) || Number(size) < 1 || Number(size) > 1000) throw new HttpError(400, 'bad_request', 'pageSize must be an integer from 1 to 1000');
  const events = query.get('events');
  const names = events ? events.split(',').map((name) => name.trim()).filter(Boolean) : null;
  if (names && names.length > 100) throw new HttpError(400, 'bad_request', 'events may name at most 100 event names');
  return {
    position: decodeCursor(kind, query.get('cursor')),
    pageSize: Number(size),
    startMs: epochSeconds(query, 'start'),
    endMs: epochSeconds(query, 'end'),
    names: names && names.length ? names : null,
  };
}
