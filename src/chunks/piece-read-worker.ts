import { readSharePiece } from './file-piece-reader.ts';
import { ownBuffer } from './own-buffer.ts';
import type { PieceReadReply, PieceReadRequest } from './piece-read-protocol.ts';
import type { PieceGeometry } from './piece-layout.ts';
import { StorageError } from './piece-store.ts';

/**
 * Reads a seed's pieces from its files (and encrypts them, for a private
 * share) off the page's main thread: each read makes a Blob slice, a new
 * buffer and, encrypted, another, and their garbage cost the seed's page
 * its longest tasks (Blink heap sweeps) while it served.
 */

interface WorkerScope {
  onmessage: ((event: MessageEvent<PieceReadRequest>) => void) | null;
  postMessage(message: PieceReadReply, transfer?: Transferable[]): void;
}

const scope = globalThis as unknown as WorkerScope;
const sources = new Map<number, { files: Blob[]; geometry: PieceGeometry; pieceKey: CryptoKey | null }>();

scope.onmessage = ({ data: request }) => {
  if (request.type === 'open') {
    const { source, files, pieceLength, fileSizes, pieceKey } = request;
    sources.set(source, { files, geometry: { pieceLength, files: fileSizes.map((size) => ({ size })) }, pieceKey });
    return;
  }
  if (request.type === 'close') {
    sources.delete(request.source);
    return;
  }
  const { id, index } = request;
  const source = sources.get(request.source);
  if (!source) {
    scope.postMessage({ type: 'failed', id, code: 'unavailable', message: 'no files to read from' });
    return;
  }
  readSharePiece(source.files, source.geometry, index, source.pieceKey).then(
    (piece) => {
      const { buffer } = ownBuffer(piece);
      scope.postMessage({ type: 'piece', id, bytes: buffer }, [buffer]);
    },
    (error: unknown) =>
      scope.postMessage({
        type: 'failed',
        id,
        code: error instanceof StorageError ? error.code : 'unavailable',
        message: error instanceof Error ? error.message : String(error),
      }),
  );
};
