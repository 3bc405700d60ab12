import { describe, expect, it } from 'vitest';
import { batchLength } from '../../src/chunks/idb-piece-store.ts';

const KiB = 1024;

describe('batchLength (how many queued pieces one IndexedDB transaction takes)', () => {
  it('takes pieces in order up to the byte limit', () => {
    expect(batchLength([256 * KiB, 256 * KiB, 256 * KiB, 256 * KiB, 256 * KiB], 1024 * KiB)).toBe(4);
    expect(batchLength([512 * KiB, 256 * KiB, 512 * KiB, 1 * KiB], 1024 * KiB)).toBe(2);
  });

  it('always takes one piece, even one over the limit', () => {
    expect(batchLength([4096 * KiB, 1 * KiB], 1024 * KiB)).toBe(1);
  });

  it('takes nothing from an empty queue', () => {
    expect(batchLength([], 1024 * KiB)).toBe(0);
  });
});
