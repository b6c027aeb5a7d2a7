import type { IdentityEdge, InsightReads } from './facts.js';

/** Who one person is: every user ID and anonymous ID the graph joins. */
export interface PersonIds {
  userIds: string[];
  anonymousIds: string[];
}

/**
 * The identity graph: which events belong to one person.
 *
 * - An anonymous ID belongs to the user it was first seen with (earliest event carrying both
 *   IDs, or an `alias` whose `previousId` it is; ties by user ID). Later users on the same
 *   browser do not merge into the first: two people sharing a laptop stay two, as in
 *   Mixpanel's ID merge. Only `alias` merges two user IDs.
 * - The rule reads only the set of links and their earliest times, never arrival order, so
 *   events that arrive late, out of order or twice give the same graph.
 */
export interface IdentityGraph {
  /**
   * The person an event belongs to: its user ID's when it has one (a backend event names
   * the user it is about), else its anonymous ID's.
   *
   * @param anonymousId - the event's anonymous ID
   * @param userId - the event's user ID
   * @returns a stable person key (`u:<user>` or `a:<anonymous ID>`), or null without IDs
   */
  personOf(anonymousId: string | null, userId: string | null): string | null;
  /**
   * Every ID of a person.
   *
   * @param person - a key from {@link IdentityGraph.personOf}
   * @returns the user IDs and anonymous IDs, sorted
   */
  idsOf(person: string): PersonIds;
}

/**
 * Build the graph from its links.
 *
 * @param edges - every link (see `InsightReads.identityEdges`)
 * @returns the graph
 * @example
 * const graph = buildIdentityGraph([{ kind: 'pair', from: 'anon-1', userId: 'u1', atMs: 1 }]);
 * graph.personOf('anon-1', null) === graph.personOf(null, 'u1') // true
 */
export function buildIdentityGraph(edges: readonly IdentityEdge[]): IdentityGraph {
  const parent = new Map<string, string>();
  const find = (user: string): string => {
    let root = user;
    while (parent.has(root) && parent.get(root) !== root) root = parent.get(root)!;
    // Path compression keeps later finds short.
    for (let node = user; node !== root; ) {
      const next = parent.get(node)!;
      parent.set(node, root);
      node = next;
    }
    return root;
  };
  // The smaller user ID is the root, so the person key does not depend on the edges' order.
  const union = (a: string, b: string) => {
    const [ra, rb] = [find(a), find(b)];
    if (ra !== rb) ra < rb ? parent.set(rb, ra) : parent.set(ra, rb);
  };
  const owner = new Map<string, { userId: string; atMs: number }>();
  const claim = (anonymousId: string, userId: string, atMs: number) => {
    const current = owner.get(anonymousId);
    if (!current || atMs < current.atMs || (atMs === current.atMs && userId < current.userId)) owner.set(anonymousId, { userId, atMs });
  };
  // User IDs seen as such (an alias's previousId may be an anonymous ID: it joins, unlisted).
  const users = new Set<string>();
  // Anonymous IDs seen as such (an alias's previousId that is a user ID is not listed as one).
  const anons = new Set<string>();
  for (const edge of edges) {
    users.add(edge.userId);
    if (edge.kind === 'pair') anons.add(edge.from);
    if (!parent.has(edge.userId)) parent.set(edge.userId, edge.userId);
    if (edge.kind === 'alias') {
      // previousId may be an earlier user ID or the anonymous ID: link it as both.
      if (!parent.has(edge.from)) parent.set(edge.from, edge.from);
      union(edge.from, edge.userId);
    }
    claim(edge.from, edge.userId, edge.atMs);
  }
  const personOf = (anonymousId: string | null, userId: string | null): string | null => {
    if (userId !== null) return `u:${find(userId)}`;
    if (anonymousId === null) return null;
    const linked = owner.get(anonymousId);
    return linked ? `u:${find(linked.userId)}` : `a:${anonymousId}`;
  };
  const idsOf = (person: string): PersonIds => {
    if (person.startsWith('a:')) return { userIds: [], anonymousIds: [person.slice(2)] };
    const root = find(person.slice(2));
    const userIds = [...users].filter((user) => find(user) === root);
    if (!userIds.includes(root)) userIds.push(root);
    const anonymousIds = [...owner].filter(([id, link]) => find(link.userId) === root && (anons.has(id) || !users.has(id))).map(([id]) => id);
    return { userIds: userIds.sort(), anonymousIds: anonymousIds.sort() };
  };
  return { personOf, idsOf };
}

/** Most IDs of one person a query names (a graph of more is rare; the rest are left out). */
export const PERSON_ID_LIMIT = 200;

/**
 * Every ID of the person an ID belongs to, read from a store's graph: what a query "by user"
 * covers (`/v1/metrics?user_id=`, `/v1/sessions`, `/v1/journey`).
 *
 * @param reads - the store's insight reads
 * @param anonymousId - an anonymous ID, or null
 * @param userId - a user ID, or null (one of the two is given)
 * @returns the IDs, at most {@link PERSON_ID_LIMIT} of each kind
 */
export async function personIdsOf(reads: InsightReads, anonymousId: string | null, userId: string | null): Promise<PersonIds> {
  const graph = buildIdentityGraph(await reads.identityEdges());
  const person = graph.personOf(anonymousId, userId);
  const ids = person === null ? { userIds: [], anonymousIds: [] } : graph.idsOf(person);
  return { userIds: ids.userIds.slice(0, PERSON_ID_LIMIT), anonymousIds: ids.anonymousIds.slice(0, PERSON_ID_LIMIT) };
}
