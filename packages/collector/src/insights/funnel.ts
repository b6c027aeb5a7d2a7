import { ONE_DAY_MS } from '../dates.js';
import type { InsightReads } from './facts.js';
import { buildIdentityGraph } from './identity-graph.js';
import type { FunnelQuery } from './insight-query.js';

/** One step of `GET /v1/funnel`. */
export interface FunnelStep {
  /** The event name. */
  step: string;
  /** People who did this step after all the earlier ones, in order, within the window. */
  people: number;
  /** `people` over the first step's people (1 for the first step; 0 when nobody started). */
  rate: number;
}

/**
 * How far one person's events (oldest first) get through the steps. One pass: for each step,
 * the latest start time of a chain that reached it; the latest start leaves the most of the
 * window for the next steps, so no other chain can get further. Steps are visited from the
 * last down, so one event never counts for two consecutive steps of the same name.
 */
function depthOf(names: readonly string[], steps: readonly string[], times: readonly number[], windowMs: number): number {
  const reached: Array<number | undefined> = new Array(steps.length);
  for (let i = 0; i < names.length; i++) {
    const at = times[i]!;
    for (let j = steps.length - 1; j >= 0; j--) {
      if (steps[j] !== names[i]) continue;
      if (j === 0) reached[0] = at;
      else if (reached[j - 1] !== undefined && at - reached[j - 1]! <= windowMs) reached[j] = Math.max(reached[j] ?? -Infinity, reached[j - 1]!);
    }
  }
  let depth = 0;
  while (depth < steps.length && reached[depth] !== undefined) depth++;
  return depth;
}

/**
 * Compute `GET /v1/funnel`: people (joined by the identity graph, backend events included)
 * at each step, in order, every step inside the date range and within `windowDays` of the
 * person's first step.
 *
 * @param reads - the store's insight reads
 * @param query - the parsed query
 * @returns one entry per step
 */
export async function funnelReport(reads: InsightReads, query: FunnelQuery): Promise<FunnelStep[]> {
  const [edges, events] = await Promise.all([reads.identityEdges(), reads.eventsNamed(query.startMs, query.endMs, [...new Set(query.steps)], false)]);
  const graph = buildIdentityGraph(edges);
  const byPerson = new Map<string, { names: string[]; times: number[] }>();
  for (const event of events) {
    const person = graph.personOf(event.anonymousId, event.userId);
    if (person === null) continue;
    let list = byPerson.get(person);
    if (!list) byPerson.set(person, (list = { names: [], times: [] }));
    list.names.push(event.name);
    list.times.push(event.atMs);
  }
  const counts = new Array<number>(query.steps.length).fill(0);
  for (const { names, times } of byPerson.values()) {
    const depth = depthOf(names, query.steps, times, query.windowDays * ONE_DAY_MS);
    for (let j = 0; j < depth; j++) counts[j]! += 1;
  }
  const first = counts[0] ?? 0;
  return query.steps.map((step, j) => ({ step, people: counts[j]!, rate: first === 0 ? 0 : Math.round((counts[j]! / first) * 10_000) / 10_000 }));
}
