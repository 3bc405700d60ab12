import { describe, expect, it } from 'vitest';
import { verifiedBytesPerFile } from '../../src/chunks/file-progress.ts';

describe('verifiedBytesPerFile', () => {
  // Files of 10, 0, 3 and 15 bytes in 8-byte pieces: 28 bytes, pieces 0..3.
  //  bytes: 0.........9|10.12|13..............27
  //  piece: [0      7][8     15][16    23][24 27]
  const g = { pieceLength: 8, files: [{ size: 10 }, { size: 0 }, { size: 3 }, { size: 15 }] };

  it('counts nothing when no piece is had and everything when all are', () => {
    expect(verifiedBytesPerFile(g, () => false)).toEqual([0, 0, 0, 0]);
    expect(verifiedBytesPerFile(g, () => true)).toEqual([10, 0, 3, 15]);
  });

  it('splits a piece shared by files between them', () => {
    // Piece 1 holds bytes 8..15: two of the first file, all three of the third, three of the last.
    expect(verifiedBytesPerFile(g, (i) => i === 1)).toEqual([2, 0, 3, 3]);
  });

  it('counts the short last piece by its real length', () => {
    expect(verifiedBytesPerFile(g, (i) => i === 3)).toEqual([0, 0, 0, 4]);
  });

  it('asks only about pieces that exist', () => {
    const asked = new Set<number>();
    verifiedBytesPerFile(g, (i) => (asked.add(i), true));
    expect([...asked].sort()).toEqual([0, 1, 2, 3]);
  });
});
