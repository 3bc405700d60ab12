import { describe, expect, it } from 'vitest';
import { MemoryPieceStore } from '../../src/chunks/memory-piece-store.ts';

describe('MemoryPieceStore', () => {
  it('returns undefined for a piece it does not have', async () => {
    expect(await new MemoryPieceStore().get(0)).toBeUndefined();
  });

  it('stores copies, so callers may reuse their buffers', async () => {
    const store = new MemoryPieceStore();
    const buffer = new Uint8Array([1, 2, 3]);
    await store.put(4, buffer);
    buffer.fill(9);
    expect([...(await store.get(4))!]).toEqual([1, 2, 3]);
  });

  it('stores only the given view of a larger buffer', async () => {
    const store = new MemoryPieceStore();
    const big = new Uint8Array(1000).fill(7);
    await store.put(0, big.subarray(10, 20));
    const got = (await store.get(0))!;
    expect(got.byteLength).toBe(10);
    expect(got.buffer.byteLength).toBe(10);
  });

  it('lists stored indices in ascending order and overwrites on put', async () => {
    const store = new MemoryPieceStore();
    await store.put(7, new Uint8Array([1]));
    await store.put(2, new Uint8Array([2]));
    await store.put(7, new Uint8Array([3]));
    expect(await store.indices()).toEqual([2, 7]);
    expect([...(await store.get(7))!]).toEqual([3]);
  });

  it('destroy removes everything', async () => {
    const store = new MemoryPieceStore();
    await store.put(0, new Uint8Array([1]));
    await store.destroy();
    expect(await store.indices()).toEqual([]);
    expect(await store.get(0)).toBeUndefined();
  });

  it('rejects bad piece indices', async () => {
    const store = new MemoryPieceStore();
    await expect(store.put(-1, new Uint8Array(1))).rejects.toThrow(RangeError);
    await expect(store.put(1.5, new Uint8Array(1))).rejects.toThrow(RangeError);
    await expect(store.get(Number.NaN)).rejects.toThrow(RangeError);
  });
});
