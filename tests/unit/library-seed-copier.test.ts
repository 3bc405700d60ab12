import { describe, expect, it } from 'vitest';
import { MemoryPieceStore } from '../../src/chunks/memory-piece-store.ts';
import { StorageError, type PieceIndex } from '../../src/chunks/piece-store.ts';
import { copyPieces, type CopyOptions } from '../../src/chunks/seed-copier.ts';

const PIECE = 4;

async function sourceOf(count: number): Promise<MemoryPieceStore> {
  const store = new MemoryPieceStore();
  for (let i = 0; i < count; i++) await store.put(i, new Uint8Array(PIECE).fill(i));
  return store;
}

/** A destination that records how many puts were in flight at once, and can be made to fail. */
class WatchedStore extends MemoryPieceStore {
  inFlight = 0;
  maxInFlight = 0;
  failNext: Error[] = [];

  override async put(index: PieceIndex, bytes: Uint8Array): Promise<void> {
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    await Promise.resolve();
    this.inFlight--;
    const failure = this.failNext.shift();
    if (failure) throw failure;
    await super.put(index, bytes);
  }
}

function options(overrides: Partial<CopyOptions> = {}): CopyOptions & { copied: PieceIndex[]; failures: unknown[] } {
  const copied: PieceIndex[] = [];
  const failures: unknown[] = [];
  return {
    windowBytes: 3 * PIECE,
    pieceBytes: PIECE,
    signal: new AbortController().signal,
    onCopied: (i) => copied.push(i),
    onFailed: (e) => failures.push(e),
    retry: async () => {},
    copied,
    failures,
    ...overrides,
  };
}

describe('copyPieces', () => {
  it('copies every listed piece, byte for byte', async () => {
    const from = await sourceOf(10);
    const to = new WatchedStore();
    const opts = options();
    await copyPieces(from, to, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], opts);
    expect(await to.indices()).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect([...(await to.get(7))!]).toEqual([7, 7, 7, 7]);
    expect(opts.copied.sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('keeps at most one window of pieces in flight, and at least one', async () => {
    const to = new WatchedStore();
    await copyPieces(await sourceOf(10), to, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], options());
    expect(to.maxInFlight).toBe(3);
    const tiny = new WatchedStore();
    await copyPieces(await sourceOf(3), tiny, [0, 1, 2], options({ windowBytes: 1 }));
    expect(tiny.maxInFlight).toBe(1);
    expect(await tiny.indices()).toEqual([0, 1, 2]);
  });

  it('reports a full store, waits for retry, and then finishes without losing a piece', async () => {
    const to = new WatchedStore();
    to.failNext = [new StorageError('quota-exceeded', 'full')];
    let retries = 0;
    const opts = options({ retry: async () => void retries++ });
    await copyPieces(await sourceOf(5), to, [0, 1, 2, 3, 4], opts);
    expect(retries).toBe(1);
    expect(opts.failures).toHaveLength(1);
    expect((opts.failures[0] as StorageError).code).toBe('quota-exceeded');
    expect(await to.indices()).toEqual([0, 1, 2, 3, 4]);
  });

  it('rejects on a failure that is not storage (the source became unreadable)', async () => {
    const to = new WatchedStore();
    await expect(copyPieces(await sourceOf(2), to, [0, 5], options())).rejects.toThrow(/piece 5 missing/);
  });

  it('stops when aborted, even while waiting to retry', async () => {
    const abort = new AbortController();
    const to = new WatchedStore();
    to.failNext = [new StorageError('quota-exceeded', 'full')];
    const opts = options({ signal: abort.signal, windowBytes: PIECE, retry: async () => abort.abort() });
    await copyPieces(await sourceOf(4), to, [0, 1, 2, 3], opts);
    expect(await to.indices()).toEqual([]);
  });
});
