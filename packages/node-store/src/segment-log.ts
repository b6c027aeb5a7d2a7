import type { TidemarkEvent } from '@tidemark/core';
import { eventJson } from '@tidemark/protocol';

// The on-disk format of FileStore: append-only "segment" files of JSON lines. A line is one
// record, either an added event or the keys of removed events:
//   {"k":"0000000000000042","e":{…event…}}
//   {"d":["0000000000000042","0000000000000043"]}
// JSON.stringify escapes every newline inside strings, so a record never spans two lines.

/** One record of a segment file. */
export type SegmentRecord = { k: string; e: TidemarkEvent } | { d: string[] };

/** What {@link parseSegment} found in one file. */
export interface ParsedSegment {
  /** Valid records, in file order. */
  records: SegmentRecord[];
  /** Bytes of each record's line (newline included), parallel to `records`. */
  sizes: number[];
  /**
   * The file ends in an incomplete or unreadable tail: the last write was cut short by a
   * crash (SIGKILL, power loss). Expected, and harmless: that write never reported success.
   */
  torn: boolean;
  /**
   * Unreadable lines followed by readable ones: the middle of the file was damaged (disk
   * error, foreign write). Such a file is quarantined after its readable records are saved.
   */
  corruptLines: number;
}

/** Segment file name of sequence number `n`, e.g. `seg-000012.jsonl`. */
export const segmentName = (n: number): string => `seg-${String(n).padStart(6, '0')}.jsonl`;

const SEGMENT_PATTERN = /^seg-(\d{6,})\.jsonl$/;

/**
 * The sequence number of a segment file name.
 *
 * @param name - a directory entry
 * @returns the number, or `undefined` when the name is not a segment's
 */
export function segmentNumber(name: string): number | undefined {
  const match = SEGMENT_PATTERN.exec(name);
  return match ? Number(match[1]) : undefined;
}

/**
 * The line of an added event (without the newline). Reuses the event's JSON text that the
 * core already made for its size check.
 *
 * @param key - the store key
 * @param event - a validated event
 * @returns the record's line
 */
export function addRecord(key: string, event: TidemarkEvent): string {
  return `{"k":${JSON.stringify(key)},"e":${eventJson(event)}}`;
}

/**
 * The line recording removed keys (without the newline).
 *
 * @param keys - removed keys
 * @returns the record's line
 */
export function deleteRecord(keys: string[]): string {
  return JSON.stringify({ d: keys });
}

function readRecord(line: string): SegmentRecord | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (!value || typeof value !== 'object') return undefined;
  const { k, e, d } = value as { k?: unknown; e?: unknown; d?: unknown };
  if (typeof k === 'string' && e && typeof e === 'object' && typeof (e as TidemarkEvent).messageId === 'string') {
    return { k, e: e as TidemarkEvent };
  }
  if (Array.isArray(d) && d.every((key) => typeof key === 'string')) return { d: d as string[] };
  return undefined;
}

/**
 * Read a segment file's text into records, telling a torn tail (normal after a crash) from
 * damage in the middle (quarantine).
 *
 * @param text - the file's content
 * @returns the records and what was wrong
 * @example parseSegment('{"d":["1"]}\n{"k":"2","e":{"mess') // { records: [{ d: ['1'] }], sizes: [12], torn: true, corruptLines: 0 }
 */
export function parseSegment(text: string): ParsedSegment {
  const lines = text.split('\n');
  // What follows the last newline was never completed: a write cut short.
  const tail = lines.pop() ?? '';
  const records: SegmentRecord[] = [];
  const sizes: number[] = [];
  let invalidSinceValid = 0;
  let corruptLines = 0;
  for (const line of lines) {
    if (!line) continue;
    const record = readRecord(line);
    if (!record) {
      invalidSinceValid++;
      continue;
    }
    corruptLines += invalidSinceValid;
    invalidSinceValid = 0;
    records.push(record);
    sizes.push(line.length + 1);
  }
  // Unreadable complete lines at the very end (zeros left by a power cut) are a torn tail too:
  // nothing after them was ever acknowledged.
  return { records, sizes, torn: tail.length > 0 || invalidSinceValid > 0, corruptLines };
}
