import { IdbPieceStore } from '../../src/chunks/idb-piece-store.ts';

/**
 * The app's IndexedDB piece store (group-committed writes) at full speed:
 * writes with a window of pieces in flight, as a fast download or the seed
 * copier issues them, then reads every piece back in order, as saving a file
 * does.
 */

const WINDOW_BYTES = 8 * 1024 * 1024;

let store: IdbPieceStore | null = null;
let layout = { pieceBytes: 0, pieces: 0 };

const storageBench = {
  /** Milliseconds to write `totalBytes` as pieces of `pieceBytes` into a fresh store. */
  async write(pieceBytes: number, totalBytes: number): Promise<number> {
    store = new IdbPieceStore(`bench-${crypto.randomUUID()}`);
    layout = { pieceBytes, pieces: Math.ceil(totalBytes / pieceBytes) };
    const windowPieces = Math.max(1, Math.floor(WINDOW_BYTES / pieceBytes));
    // Each put gets its own buffer, as each downloaded piece has; built before the clock starts.
    const buffers = Array.from({ length: windowPieces }, () => {
      const bytes = new Uint8Array(pieceBytes);
      for (let i = 0; i < pieceBytes; i += 65536) crypto.getRandomValues(bytes.subarray(i, i + 65536));
      return bytes;
    });
    const target = store;
    const started = performance.now();
    const inFlight = new Set<Promise<void>>();
    for (let index = 0; index < layout.pieces; index++) {
      if (inFlight.size >= windowPieces) await Promise.race(inFlight);
      const put = target.put(index, buffers[index % windowPieces]).then(() => {
        inFlight.delete(put);
      });
      inFlight.add(put);
    }
    await Promise.all(inFlight);
    return performance.now() - started;
  },

  /** Milliseconds to read every written piece back, one after another. */
  async read(): Promise<number> {
    if (!store) throw new Error('write first');
    const started = performance.now();
    for (let index = 0; index < layout.pieces; index++) {
      const bytes = await store.get(index);
      if (bytes?.byteLength !== layout.pieceBytes) throw new Error(`piece ${index} read back as ${bytes?.byteLength} bytes`);
    }
    return performance.now() - started;
  },

  async destroy(): Promise<void> {
    await store?.destroy();
    store = null;
  },
};

declare global {
  interface Window {
    storageBench: typeof storageBench;
  }
}
window.storageBench = storageBench;
