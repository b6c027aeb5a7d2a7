import { ONE_DAY_MS } from '../dates.js';
import type { InsightReads } from './facts.js';
import { buildIdentityGraph } from './identity-graph.js';
import type { AttributionQuery } from './insight-query.js';
import { DIRECT, isDirect, touchOfRaw, type TouchRow } from './touch.js';

/** One row of `GET /v1/attribution`: a touch and what it brought. */
export interface AttributionRow extends TouchRow {
  /** People with a session in the range, each under the touch the model gives them. */
  visitors: number;
  /** Sessions starting in the range, each under its own touch (the model does not move sessions). */
  sessions: number;
  /** Conversion events in the range, each under the touch the model gives it. */
  conversions: number;
  /** Sum of the conversions' value property (numbers and numeric strings; others count 0). */
  value: number;
}

interface Touched {
  atMs: number;
  touch: TouchRow;
}

/**
 * The touch a model credits at a moment: among the person's non-direct touches within the
 * window before it, the first (`first_touch`) or the last (`last_touch`); `(direct)` when
 * there is none. Direct visits never take credit from a campaign ("last non-direct click",
 * Google Analytics' default), so a customer who came from an ad and returned by typing the
 * URL still counts for the ad.
 */
function credited(touches: readonly Touched[] | undefined, atMs: number, query: AttributionQuery): TouchRow {
  const fromMs = atMs - query.windowDays * ONE_DAY_MS;
  const eligible = (touches ?? []).filter((t) => t.atMs >= fromMs && t.atMs <= atMs && !isDirect(t.touch));
  const pick = query.model === 'first_touch' ? eligible[0] : eligible[eligible.length - 1];
  return pick?.touch ?? DIRECT;
}

/** A number from a property value: finite numbers and numeric strings, else 0. */
function numberOf(value: unknown): number {
  const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  return Number.isFinite(n) ? n : 0;
}

/** The value property of a conversion's raw JSON (own property of `properties`). */
function valueOf(raw: string | null, property: string): number {
  if (raw === null) return 0;
  try {
    const properties = (JSON.parse(raw) as { properties?: unknown }).properties;
    if (properties === null || typeof properties !== 'object' || !Object.hasOwn(properties, property)) return 0;
    return numberOf((properties as Record<string, unknown>)[property]);
  } catch {
    return 0;
  }
}

const keyOf = (t: TouchRow) => JSON.stringify([t.source, t.medium, t.campaign, t.clickIdKind, t.referrerDomain]);

/**
 * Compute `GET /v1/attribution`: visitors, sessions, conversions and value per touch.
 * Conversions are events named `query.conversion`, browser or backend, joined to people
 * through the identity graph; each is credited to one touch by the model.
 *
 * @param reads - the store's insight reads
 * @param query - the parsed query
 * @returns the rows, most conversions first, then most value, visitors, and by source
 */
export async function attributionReport(reads: InsightReads, query: AttributionQuery): Promise<AttributionRow[]> {
  const lookbackMs = query.windowDays * ONE_DAY_MS;
  const [edges, starts, conversions] = await Promise.all([
    reads.identityEdges(),
    reads.sessionStarts(query.startMs - lookbackMs, query.endMs),
    reads.eventsNamed(query.startMs, query.endMs, [query.conversion], true),
  ]);
  const graph = buildIdentityGraph(edges);
  const rows = new Map<string, AttributionRow>();
  const rowOf = (touch: TouchRow): AttributionRow => {
    const key = keyOf(touch);
    let row = rows.get(key);
    if (!row) rows.set(key, (row = { ...touch, visitors: 0, sessions: 0, conversions: 0, value: 0 }));
    return row;
  };
  const touches = new Map<string, Touched[]>();
  const lastVisit = new Map<string, number>();
  for (const start of [...starts].sort((a, b) => a.atMs - b.atMs)) {
    const person = graph.personOf(start.anonymousId, start.userId);
    if (person === null) continue;
    const touch = touchOfRaw(start.raw);
    const list = touches.get(person) ?? [];
    list.push({ atMs: start.atMs, touch });
    touches.set(person, list);
    if (start.atMs >= query.startMs) {
      rowOf(touch).sessions += 1;
      lastVisit.set(person, start.atMs);
    }
  }
  // A visitor is credited as of their last visit in the range.
  for (const [person, atMs] of lastVisit) rowOf(credited(touches.get(person), atMs, query)).visitors += 1;
  for (const event of conversions) {
    const row = rowOf(credited(touches.get(graph.personOf(event.anonymousId, event.userId) ?? ''), event.atMs, query));
    row.conversions += 1;
    row.value += valueOf(event.raw, query.value);
  }
  // Sums of cents in binary floating point drift (0.1 + 0.2); six decimals is below any currency's unit.
  for (const row of rows.values()) row.value = Math.round(row.value * 1e6) / 1e6;
  return [...rows.values()].sort(
    (a, b) => b.conversions - a.conversions || b.value - a.value || b.visitors - a.visitors || b.sessions - a.sessions || (keyOf(a) < keyOf(b) ? -1 : 1),
  );
}
