import { describe, expect, it } from 'vitest';
import { Bitfield } from '../../src/chunks/bitfield.ts';
import { MemoryPieceStore } from '../../src/chunks/memory-piece-store.ts';
import { Uploader } from '../../src/swarm/uploader.ts';
import { BLOCK_BYTES } from '../../src/swarm/wire.ts';
import { seededRandom } from '../support/content.ts';

const first = (index: number) => ({ index, begin: 0, length: BLOCK_BYTES });
const last = (index: number) => ({ index, begin: BLOCK_BYTES, length: BLOCK_BYTES });

function uploader(opts: { corruptUploads?: boolean; store?: MemoryPieceStore } = {}): Uploader {
  return new Uploader({ store: opts.store ?? new MemoryPieceStore(), now: () => 0, random: seededRandom(1), uploadSlots: 4, ...opts });
}

describe('Uploader', () => {
  it('holding back, sends each piece to one peer until every piece is out', () => {
    const u = uploader();
    u.setPieceCount(2, () => 2);
    expect(u.claim('a', first(0), true)).toBe(true);
    expect(u.claim('a', last(0), true)).toBe(true);
    expect(u.claim('b', first(0), true)).toBe(false);
    expect(u.claim('b', first(1), true)).toBe(true);
    u.pieceSeen(0);
    expect(u.claim('c', first(0), true)).toBe(false);
    u.pieceSeen(1);
    expect(u.claim('c', first(0), true)).toBe(true);
  });

  it('holding back, refuses any block of a second copy, not only its first', () => {
    const u = uploader();
    u.setPieceCount(2, () => 2);
    expect(u.claim('a', first(0), true)).toBe(true);
    expect(u.claim('b', last(0), true)).toBe(false);
  });

  it('holding back, counts a piece out when a peer announces it, not when its last block is queued', () => {
    const u = uploader();
    u.setPieceCount(2, () => 2);
    for (const request of [first(0), last(0), first(1), last(1)]) expect(u.claim('a', request, true)).toBe(true);
    expect(u.claim('b', first(0), true)).toBe(false);
    expect(u.claim('b', last(1), true)).toBe(false);
    const both = new Bitfield(2);
    both.set(0);
    both.set(1);
    u.piecesSeen(both);
    expect(u.claim('b', first(0), true)).toBe(true);
  });

  it('holding back, lets another peer take on a copy whose peer left, or was choked before it had every block', () => {
    for (const why of ['left', 'choked'] as const) {
      const u = uploader();
      u.setPieceCount(2, () => 2);
      expect(u.claim('a', first(0), true)).toBe(true);
      expect(u.claim('b', first(0), true)).toBe(false);
      u.dropCopiesTo('a', why);
      expect(u.claim('b', first(0), true)).toBe(true);
      expect(u.claim('b', last(0), true)).toBe(true);
    }
  });

  it('holding back, keeps a copy whose every block was handed over when its peer is choked: those blocks still arrive', () => {
    const u = uploader();
    u.setPieceCount(2, () => 2);
    expect(u.claim('a', first(0), true)).toBe(true);
    expect(u.claim('a', first(0), true)).toBe(true);
    u.dropCopiesTo('a', 'choked');
    // One block asked twice is still half a copy.
    expect(u.claim('b', first(0), true)).toBe(true);
    expect(u.claim('b', last(0), true)).toBe(true);
    u.dropCopiesTo('b', 'choked');
    expect(u.claim('c', first(0), true)).toBe(false);
    u.dropCopiesTo('b', 'left');
    expect(u.claim('c', first(0), true)).toBe(true);
  });

  it('not holding back, never refuses', () => {
    const u = uploader();
    u.setPieceCount(2, () => 2);
    u.claim('a', first(0), false);
    u.claim('a', last(0), false);
    expect(u.claim('b', first(0), false)).toBe(true);
  });

  it('serves stored bytes, or corrupted ones when told to play a poisoner', async () => {
    const store = new MemoryPieceStore();
    await store.put(0, new Uint8Array(2 * BLOCK_BYTES).fill(3));
    expect((await uploader({ store }).readBlock(first(0)))![0]).toBe(3);
    const poisoned = await uploader({ store, corruptUploads: true }).readBlock(first(0));
    expect(poisoned![0]).toBe(3 ^ 0xff);
    expect((await store.get(0))![0]).toBe(3);
    expect(await uploader({ store }).readBlock(first(1))).toBeNull();
  });
});
