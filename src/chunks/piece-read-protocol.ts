import type { StorageErrorCode } from './piece-store.ts';

/**
 * Messages between the page (`piece-reader.ts`) and `piece-read-worker.ts`.
 * One worker reads for every share the page seeds from files; each share is
 * a numbered source in it.
 */

export type PieceReadRequest =
  /** Once per source: what to read from. File objects are structured-cloned as handles, not bytes. */
  | { type: 'open'; source: number; files: Blob[]; pieceLength: number; fileSizes: number[]; pieceKey: CryptoKey | null }
  | { type: 'read'; source: number; id: number; index: number }
  /** The source's files are let go; reads still under way for it are answered anyway. */
  | { type: 'close'; source: number };

export type PieceReadReply =
  /** The piece as the swarm carries it; the buffer is transferred and holds exactly the piece. */
  | { type: 'piece'; id: number; bytes: ArrayBuffer }
  | { type: 'failed'; id: number; code: StorageErrorCode; message: string };
