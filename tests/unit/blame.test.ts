import { describe, expect, it } from 'vitest';
import { Blame } from '../../src/swarm/blame.ts';
import { PieceDownload } from '../../src/swarm/piece-download.ts';
import { BLOCK_BYTES } from '../../src/swarm/wire.ts';

/** A two-block piece whose blocks came from `from[0]` and `from[1]`, with `bytes` as content. */
function downloaded(index: number, from: [string, string], bytes: Uint8Array): PieceDownload {
  const d = new PieceDownload(index, 2 * BLOCK_BYTES);
  d.accept(0, bytes.subarray(0, BLOCK_BYTES), from[0]);
  d.accept(BLOCK_BYTES, bytes.subarray(BLOCK_BYTES), from[1]);
  return d;
}

const good = new Uint8Array(2 * BLOCK_BYTES).fill(7);
const badSecondBlock = good.slice();
badSecondBlock[BLOCK_BYTES + 5] ^= 1;

describe('Blame', () => {
  it('bans a lone sender after the configured number of bad pieces', () => {
    const blame = new Blame(3);
    expect(blame.pieceFailed(downloaded(0, ['liar', 'liar'], badSecondBlock))).toEqual([]);
    expect(blame.pieceFailed(downloaded(1, ['liar', 'liar'], badSecondBlock))).toEqual([]);
    expect(blame.pieceFailed(downloaded(2, ['liar', 'liar'], badSecondBlock))).toEqual(['liar']);
  });

  it('convicts no one for a shared bad piece until a good copy shows whose block differed', () => {
    const blame = new Blame(3);
    expect(blame.pieceFailed(downloaded(4, ['honest', 'liar'], badSecondBlock))).toEqual([]);
    expect(blame.failuresOf('honest')).toBe(0);
    expect(blame.pieceVerified(4, good)).toEqual(['liar']);
    // The suspect copy is consumed: verifying again convicts no one.
    expect(blame.pieceVerified(4, good)).toEqual([]);
  });

  it('never convicts anyone for a piece that simply verifies', () => {
    const blame = new Blame(1);
    expect(blame.pieceVerified(9, good)).toEqual([]);
  });
});
