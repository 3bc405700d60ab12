import { describe, expect, it } from 'vitest';
import { MemoryPieceStore } from '../../src/chunks/memory-piece-store.ts';
import { Uploader } from '../../src/swarm/uploader.ts';
import { BLOCK_BYTES } from '../../src/swarm/wire.ts';
import { seededRandom } from '../support/content.ts';

const PIECE = 2 * BLOCK_BYTES;
const first = (index: number) => ({ index, begin: 0, length: BLOCK_BYTES });
const last = (index: number) => ({ index, begin: BLOCK_BYTES, length: BLOCK_BYTES });

function uploader(opts: { corruptUploads?: boolean; store?: MemoryPieceStore } = {}): Uploader {
  return new Uploader({ store: opts.store ?? new MemoryPieceStore(), now: () => 0, random: seededRandom(1), uploadSlots: 4, ...opts });
}

describe('Uploader', () => {
  it('holding back, refuses to start a second copy of a piece until every piece has gone out once', () => {
    const u = uploader();
    u.setPieceCount(2);
    expect(u.claim(first(0), PIECE, true)).toBe(true);
    expect(u.claim(last(0), PIECE, true)).toBe(true);
    expect(u.claim(first(0), PIECE, true)).toBe(false);
    expect(u.claim(first(1), PIECE, true)).toBe(true);
    expect(u.claim(last(1), PIECE, true)).toBe(true);
    expect(u.claim(first(0), PIECE, true)).toBe(true);
  });

  it('never refuses the rest of a copy under way, nor a copy whose first one is still half-sent', () => {
    const u = uploader();
    u.setPieceCount(2);
    expect(u.claim(first(0), PIECE, true)).toBe(true);
    expect(u.claim(first(0), PIECE, true)).toBe(true);
    expect(u.claim(last(0), PIECE, true)).toBe(true);
  });

  it('not holding back, never refuses', () => {
    const u = uploader();
    u.setPieceCount(2);
    u.claim(first(0), PIECE, false);
    u.claim(last(0), PIECE, false);
    expect(u.claim(first(0), PIECE, false)).toBe(true);
  });

  it('serves stored bytes, or corrupted ones when told to play a poisoner', async () => {
    const store = new MemoryPieceStore();
    await store.put(0, new Uint8Array(PIECE).fill(3));
    expect((await uploader({ store }).readBlock(first(0)))![0]).toBe(3);
    const poisoned = await uploader({ store, corruptUploads: true }).readBlock(first(0));
    expect(poisoned![0]).toBe(3 ^ 0xff);
    expect((await store.get(0))![0]).toBe(3);
    expect(await uploader({ store }).readBlock(first(1))).toBeNull();
  });
});
