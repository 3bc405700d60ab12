import { describe, expect, it } from 'vitest';
import { Bitfield } from '../../src/chunks/bitfield.ts';
import { PiecePicker } from '../../src/swarm/picker.ts';
import { seededRandom } from '../support/content.ts';

/** '* *' → a bitfield with pieces 0 and 2. */
function bits(pattern: string): Bitfield {
  const field = new Bitfield(pattern.length);
  [...pattern].forEach((c, i) => c === '*' && field.set(i));
  return field;
}

/**
 * Builds a picker whose availability matches `availability` ('2103': piece 0
 * held by two peers, ...), using one peer per level, and marks `have` verified.
 */
function pickerWith(availability: string, have = ''): PiecePicker {
  const counts = [...availability].map(Number);
  const picker = new PiecePicker(counts.length, seededRandom(9));
  const max = Math.max(...counts);
  for (let p = 0; p < max; p++) picker.addPeer(`p${p}`, bits(counts.map((c) => (c > p ? '*' : ' ')).join('')));
  [...have].forEach((c, i) => c === '*' && picker.markVerified(i));
  picker.checkInvariants();
  return picker;
}

describe('PiecePicker', () => {
  it('puts the critical range first, in index order, ahead of rarer pieces', () => {
    const picker = pickerWith('1115551', '   *   ');
    expect(picker.pick('all', 3, { order: 'rarest', critical: { from: 2, to: 6 } })).toEqual([2, 4, 5]);
  });

  it('fills the rest of a pick after the critical range by rarity', () => {
    const picker = pickerWith('3331333');
    expect(picker.pick('all', 2, { order: 'rarest', critical: { from: 0, to: 1 } })).toEqual([0, 3]);
  });

  it('random order ignores rarity but still only offers what we lack', () => {
    const picks = new Set<number>();
    for (let seed = 1; seed <= 12; seed++) {
      const picker = new PiecePicker(6, seededRandom(seed));
      picker.addPeer('a', bits('*     '));
      picker.markVerified(5);
      picks.add(picker.pick('all', 1, { order: 'random' })[0]);
    }
    expect(picks.has(5)).toBe(false);
    expect(picks.size).toBeGreaterThan(2);
  });

  it('maxAvailability leaves out pieces more peers have', () => {
    const picker = pickerWith('1212');
    expect(picker.pick('all', 4, { order: 'rarest', maxAvailability: 1 }).sort()).toEqual([0, 2]);
  });

  it('reports whether a peer offers anything we lack', () => {
    const picker = pickerWith('111', '** ');
    expect(picker.offersMissing(bits('** '))).toBe(false);
    expect(picker.offersMissing(bits('  *'))).toBe(true);
    expect(picker.offersMissing('all')).toBe(true);
    picker.markVerified(2);
    expect(picker.offersMissing('all')).toBe(false);
  });

  it('picks the rarest piece the peer has that we lack', () => {
    const picker = pickerWith('2223333', '* * *  ');
    expect(picker.pick(bits('*******'), 1, { order: 'rarest' })).toEqual([1]);
  });

  it('only picks pieces the peer offers', () => {
    const picker = pickerWith('1112222');
    expect(picker.pick(bits('   ** *'), 2, { order: 'rarest' }).sort()).toEqual([3, 4]);
  });

  it('sequential order ignores rarity', () => {
    const picker = pickerWith('5551111');
    expect(picker.pick('all', 3, { order: 'sequential' })).toEqual([0, 1, 2]);
  });

  it('skips what the caller says it is already fetching', () => {
    const picker = pickerWith('1222');
    expect(picker.pick('all', 1, { order: 'rarest', skip: (i) => i === 0 })).toHaveLength(1);
    expect(picker.pick('all', 1, { order: 'rarest', skip: (i) => i === 0 })[0]).not.toBe(0);
  });

  it('breaks ties between equally rare pieces by a seeded random order, not by index', () => {
    const orders = new Set<string>();
    for (let seed = 1; seed <= 8; seed++) {
      const picker = new PiecePicker(16, seededRandom(seed));
      orders.add(picker.pick('all', 16, { order: 'rarest' }).join(','));
    }
    expect(orders.size).toBeGreaterThan(1);
  });

  it('counts a seed once and updates on have and disconnect', () => {
    const picker = new PiecePicker(4, seededRandom(1));
    picker.addPeer('seed', 'all');
    const partial = bits('*   ');
    picker.addPeer('leech', partial);
    expect([0, 1, 2, 3].map((i) => picker.availabilityOf(i))).toEqual([2, 1, 1, 1]);
    partial.set(2);
    picker.peerHas('leech', 2);
    expect(picker.availabilityOf(2)).toBe(2);
    picker.checkInvariants();
    picker.removePeer('seed');
    expect([0, 1, 2, 3].map((i) => picker.availabilityOf(i))).toEqual([1, 0, 1, 0]);
    picker.checkInvariants();
  });

  it('pick changes nothing', () => {
    const picker = pickerWith('1212', '');
    const first = picker.pick('all', 4, { order: 'rarest' });
    expect(picker.pick('all', 4, { order: 'rarest' })).toEqual(first);
    picker.checkInvariants();
  });

  it('is complete once every piece is verified', () => {
    const picker = pickerWith('11');
    picker.markVerified(0);
    expect(picker.complete).toBe(false);
    picker.markVerified(1);
    expect(picker.complete).toBe(true);
    expect(picker.pick('all', 2, { order: 'rarest' })).toEqual([]);
  });
});
