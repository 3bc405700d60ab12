import { describe, expect, it } from 'vitest';
import { Choker, type ChokeCandidate } from '../../src/swarm/choker.ts';
import { seededRandom } from '../support/content.ts';

const peer = (id: string, score: number, interested = true): ChokeCandidate => ({ peer: id, interested, score });

describe('Choker', () => {
  it('unchokes every interested peer while there are enough slots, and no uninterested one', () => {
    const choker = new Choker({ slots: 4, optimisticRounds: 3, random: seededRandom(1) });
    expect([...choker.rechoke([peer('a', 1), peer('b', 2), peer('c', 9, false)], true)].sort()).toEqual(['a', 'b']);
  });

  it('gives regular slots to the fastest and one optimistic slot to someone else', () => {
    const choker = new Choker({ slots: 3, optimisticRounds: 3, random: seededRandom(2) });
    const candidates = [peer('fast', 100), peer('faster', 200), peer('slow1', 1), peer('slow2', 2), peer('slow3', 3)];
    const unchoked = choker.rechoke(candidates, true);
    expect(unchoked.size).toBe(3);
    expect(unchoked.has('fast') && unchoked.has('faster')).toBe(true);
  });

  it('rotates the optimistic slot after its rounds, so no peer is starved for ever', () => {
    const choker = new Choker({ slots: 2, optimisticRounds: 2, random: seededRandom(3) });
    const candidates = [peer('greedy', 1000), ...Array.from({ length: 6 }, (_, i) => peer(`p${i}`, i))];
    const seen = new Set<string>();
    for (let round = 0; round < 40; round++) {
      const unchoked = choker.rechoke(candidates, true);
      expect(unchoked.has('greedy')).toBe(true);
      expect(unchoked.size).toBe(2);
      for (const p of unchoked) seen.add(p);
    }
    expect(seen.size).toBe(7);
  });

  it('gives the optimistic slot to the peer that has waited longest since its last slot', () => {
    const choker = new Choker({ slots: 2, optimisticRounds: 1, random: seededRandom(5) });
    const others = ['a', 'b', 'c', 'd'];
    const candidates = [peer('top', 100), ...others.map((id) => peer(id, 1))];
    // Each round the optimistic slot goes to someone not yet served, until all have had a turn.
    const order = Array.from({ length: others.length }, () => [...choker.rechoke(candidates, true)].find((p) => p !== 'top')!);
    expect([...order].sort()).toEqual(others);
    // Then the one served longest ago comes first again.
    expect([...choker.rechoke(candidates, true)].find((p) => p !== 'top')).toBe(order[0]);
  });

  it('keeps the optimistic peer when a rechoke is not a rotation round', () => {
    const choker = new Choker({ slots: 2, optimisticRounds: 1, random: seededRandom(4) });
    const candidates = [peer('top', 10), peer('x', 1), peer('y', 1), peer('z', 1)];
    const first = [...choker.rechoke(candidates, true)].find((p) => p !== 'top');
    for (let i = 0; i < 5; i++) expect(choker.rechoke(candidates, false).has(first!)).toBe(true);
  });
});
