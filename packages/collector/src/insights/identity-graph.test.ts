import { describe, expect, it } from 'vitest';
import type { IdentityEdge } from './facts.js';
import { buildIdentityGraph } from './identity-graph.js';

const pair = (from: string, userId: string, atMs: number): IdentityEdge => ({ kind: 'pair', from, userId, atMs });

describe('buildIdentityGraph', () => {
  const edges: IdentityEdge[] = [
    pair('laptop', 'ada', 10),
    pair('phone', 'ada', 20),
    // Bob logs in on Ada's laptop later: the laptop stays Ada's, Bob's events stay Bob's.
    pair('laptop', 'bob', 30),
    { kind: 'alias', from: 'ada-old', userId: 'ada', atMs: 40 },
    pair('tablet', 'ada-old', 5),
  ];

  it('joins devices and aliases into one person, whatever order the links come in', () => {
    for (const order of [edges, [...edges].reverse(), [edges[3]!, edges[0]!, edges[4]!, edges[2]!, edges[1]!]]) {
      const graph = buildIdentityGraph(order);
      const ada = graph.personOf(null, 'ada');
      expect([graph.personOf('laptop', null), graph.personOf('phone', null), graph.personOf('tablet', null), graph.personOf(null, 'ada-old')]).toEqual([ada, ada, ada, ada]);
      expect(graph.personOf(null, 'bob')).not.toBe(ada);
      expect(graph.personOf('laptop', 'bob')).toBe(graph.personOf(null, 'bob'));
      expect(graph.idsOf(ada!)).toEqual({ userIds: ['ada', 'ada-old'], anonymousIds: ['laptop', 'phone', 'tablet'] });
    }
  });

  it('keeps an unlinked anonymous ID a person of its own, and gives no person to an event without IDs', () => {
    const graph = buildIdentityGraph(edges);
    expect(graph.personOf('stranger', null)).toBe('a:stranger');
    expect(graph.idsOf('a:stranger')).toEqual({ userIds: [], anonymousIds: ['stranger'] });
    expect(graph.personOf(null, null)).toBeNull();
  });

  it('gives a tie on time to the smaller user ID, so the answer never depends on arrival', () => {
    const a = buildIdentityGraph([pair('shared', 'zed', 1), pair('shared', 'amy', 1)]);
    const b = buildIdentityGraph([pair('shared', 'amy', 1), pair('shared', 'zed', 1)]);
    expect(a.personOf('shared', null)).toBe('u:amy');
    expect(b.personOf('shared', null)).toBe('u:amy');
  });
});
