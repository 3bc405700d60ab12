import type { PieceWriteReply, PieceWriteRequest } from './piece-write-protocol.ts';
import { directPieceWriter } from './piece-writer.ts';

/**
 * Commits pieces to IndexedDB off the page's main thread. Putting a value
 * over 64 KiB makes Chromium wrap it in a Blob, and registering that Blob is
 * a synchronous call to the browser process: 4–23 ms each while the
 * network threads keep that process busy, so a batch of four pieces held
 * the page for up to 50 ms, its longest task while serving or downloading.
 * Here the wait holds only this thread.
 */

interface WorkerScope {
  onmessage: ((event: MessageEvent<PieceWriteRequest>) => void) | null;
  postMessage(message: PieceWriteReply, transfer: Transferable[]): void;
}

const scope = globalThis as unknown as WorkerScope;
const writer = directPieceWriter();

scope.onmessage = ({ data: { id, dbName, pieces } }) => {
  // IndexedDB copies each value as it is put; the buffers go back with the reply, to be filled again.
  const buffers = pieces.map(([, bytes]) => bytes.buffer);
  writer.write(dbName, pieces).then(
    () => scope.postMessage({ type: 'written', id, buffers }, buffers),
    (error: unknown) => {
      const { name, message } = error instanceof Error ? error : new Error(String(error));
      scope.postMessage({ type: 'failed', id, buffers, name, message }, buffers);
    },
  );
};
