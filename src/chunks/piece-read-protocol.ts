import type { StorageErrorCode } from './piece-store.ts';

/** Messages between `WorkerPieceReader` (the page) and `piece-read-worker.ts`. */

export type PieceReadRequest =
  /** First, once: what to read from. File objects are structured-cloned as handles, not bytes. */
  | { type: 'open'; files: Blob[]; pieceLength: number; fileSizes: number[]; pieceKey: CryptoKey | null }
  | { type: 'read'; id: number; index: number };

export type PieceReadReply =
  /** The piece as the swarm carries it; the buffer is transferred and holds exactly the piece. */
  | { type: 'piece'; id: number; bytes: ArrayBuffer }
  | { type: 'failed'; id: number; code: StorageErrorCode; message: string };
