import { StorageError, type PieceIndex, type PieceStore } from './piece-store.ts';

export interface CopyOptions {
  /** Pieces in flight at once: enough for the destination to batch them, few enough to bound memory. */
  windowBytes: number;
  pieceBytes: number;
  signal: AbortSignal;
  onCopied: (index: PieceIndex) => void;
  /** Called when the destination fails; the copy waits for `retry()` and then tries the same pieces again. */
  onFailed: (error: unknown) => void;
  retry: () => Promise<void>;
}

/**
 * Copies pieces from one store to another (a seed's dropped files into
 * IndexedDB, so it can be seeded after a restart) a window at a time, so
 * memory stays bounded whatever the share's size. Stops when `signal` aborts.
 * A storage failure (full disk) waits and retries; anything else (the source
 * file became unreadable) rejects.
 */
export async function copyPieces(
  from: PieceStore,
  to: PieceStore,
  indices: readonly PieceIndex[],
  opts: CopyOptions,
): Promise<void> {
  const perWindow = Math.max(1, Math.floor(opts.windowBytes / opts.pieceBytes));
  let next = 0;
  while (next < indices.length && !opts.signal.aborted) {
    const window = indices.slice(next, next + perWindow);
    try {
      await Promise.all(
        window.map(async (index) => {
          const bytes = await from.get(index);
          if (!bytes) throw new RangeError(`piece ${index} missing from the source store`);
          await to.put(index, bytes);
          if (!opts.signal.aborted) opts.onCopied(index);
        }),
      );
      next += window.length;
    } catch (error) {
      if (opts.signal.aborted) return;
      if (!(error instanceof StorageError)) throw error;
      opts.onFailed(error);
      await opts.retry();
    }
  }
}
