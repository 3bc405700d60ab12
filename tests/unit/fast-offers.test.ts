import { describe, expect, it } from 'vitest';
import { Bitfield } from '../../src/chunks/bitfield.ts';
import { FAST_OFFER_TTL_MS, FastOffers } from '../../src/swarm/fast-offers.ts';

function bits(length: number, set: number[]): Bitfield {
  const b = new Bitfield(length);
  for (const i of set) b.set(i);
  return b;
}

function offers(maxOpen = 4) {
  let now = 0;
  return { offers: new FastOffers({ now: () => now, maxOpen }), advance: (ms: number) => (now += ms) };
}

/** Availability in our neighbourhood: piece 2 is the rarest, then 0. */
const availability = (i: number) => [3, 9, 1, 5][i]!;
const ours = bits(4, [0, 1, 2]);

describe('FastOffers', () => {
  it('offers the rarest piece we have that a candidate lacks', () => {
    const { offers: o } = offers();
    expect(o.choose([{ peer: 'b', pieces: bits(4, [1]) }], ours, availability)).toEqual({ peer: 'b', index: 2 });
    expect(o.choose([{ peer: 'b', pieces: bits(4, [1, 2]) }], ours, availability)).toEqual({ peer: 'b', index: 0 });
    expect(o.choose([{ peer: 'b', pieces: bits(4, [0, 1, 2]) }], ours, availability)).toBeNull();
  });

  it('does not offer a peer the same piece twice while the offer is open, and on a tie picks the peer offered to least recently', () => {
    const { offers: o } = offers();
    const candidates = [
      { peer: 'b', pieces: bits(4, []) },
      { peer: 'c', pieces: bits(4, []) },
    ];
    o.record('b', 2);
    expect(o.choose(candidates, ours, availability)).toEqual({ peer: 'c', index: 2 });
    o.record('c', 2);
    expect(o.choose(candidates, ours, availability)).toEqual({ peer: 'b', index: 0 });
  });

  it('an offer closes when the peer has the piece, when it is withdrawn, or after its time', () => {
    const { offers: o, advance } = offers();
    o.record('b', 2);
    expect(o.isOpen('b', 2)).toBe(true);
    expect(o.isOpen('b', 0)).toBe(false);
    o.taken('b', 2);
    expect(o.isOpen('b', 2)).toBe(false);
    o.record('b', 2);
    o.withdraw('b');
    expect(o.isOpen('b', 2)).toBe(false);
    o.record('b', 2);
    advance(FAST_OFFER_TTL_MS - 1);
    expect(o.isOpen('b', 2)).toBe(true);
    advance(1);
    expect(o.isOpen('b', 2)).toBe(false);
  });

  it('keeps at most maxOpen offers open; closed or lapsed ones free room', () => {
    const { offers: o, advance } = offers(2);
    expect(o.hasRoom()).toBe(true);
    o.record('b', 0);
    o.record('c', 0);
    expect(o.hasRoom()).toBe(false);
    o.taken('b', 0);
    expect(o.hasRoom()).toBe(true);
    o.record('d', 1);
    advance(FAST_OFFER_TTL_MS);
    expect(o.hasRoom()).toBe(true);
    o.record('b', 1);
    o.record('c', 1);
    expect(o.hasRoom()).toBe(false);
  });
});
