import { readSharePiece } from './file-piece-reader.ts';
import type { HashReply, HashRequest } from './hash-protocol.ts';
import { PIECE_OVERHEAD_BYTES } from './piece-cipher.ts';
import { layoutPieceCount, type PieceGeometry } from './piece-layout.ts';
import { StorageError } from './piece-store.ts';
import { SHA256_BYTES, sha256 } from './sha256.ts';

/**
 * Hashes every piece of the given files off the main thread (encrypting
 * each first for a private share). Reads one
 * piece-sized slice at a time (reading the next while hashing the current),
 * so memory stays at about two pieces whatever the file sizes.
 */

const PROGRESS_INTERVAL_MS = 100;

interface WorkerScope {
  onmessage: ((event: MessageEvent<HashRequest>) => void) | null;
  postMessage(message: HashReply, transfer?: Transferable[]): void;
}

const scope = globalThis as unknown as WorkerScope;

scope.onmessage = (event) => {
  hashAll(event.data).then(
    (pieceHashes) => scope.postMessage({ type: 'done', pieceHashes }, [pieceHashes]),
    (error: unknown) =>
      scope.postMessage({
        type: 'failed',
        code: error instanceof StorageError ? 'read-failed' : 'hash-failed',
        message: error instanceof Error ? error.message : String(error),
      }),
  );
};

async function hashAll({ files, pieceLength, pieceKey }: HashRequest): Promise<ArrayBuffer> {
  const geometry: PieceGeometry = { pieceLength, files: files.map((f) => ({ size: f.size })) };
  const count = layoutPieceCount(geometry);
  const hashes = new Uint8Array(count * SHA256_BYTES);
  let bytesHashed = 0;
  let lastProgressAt = performance.now();
  let next = count > 0 ? readSharePiece(files, geometry, 0, pieceKey) : null;
  for (let i = 0; i < count; i++) {
    const piece = await next!;
    next = i + 1 < count ? readSharePiece(files, geometry, i + 1, pieceKey) : null;
    // A pending read must not reject unobserved if hashing this piece throws.
    next?.catch(() => undefined);
    hashes.set(await sha256(piece), i * SHA256_BYTES);
    bytesHashed += piece.byteLength - (pieceKey ? PIECE_OVERHEAD_BYTES : 0);
    const now = performance.now();
    if (now - lastProgressAt >= PROGRESS_INTERVAL_MS) {
      lastProgressAt = now;
      scope.postMessage({ type: 'progress', bytesHashed });
    }
  }
  return hashes.buffer;
}
