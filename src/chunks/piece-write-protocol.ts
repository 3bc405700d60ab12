/**
 * Messages between the page (`worker-piece-writer.ts`) and `piece-write-worker.ts`.
 * One write is one transaction on one swarm's piece database.
 */

export interface PieceWriteRequest {
  id: number;
  dbName: string;
  /** Piece index and bytes; each buffer holds exactly its piece and is transferred. */
  pieces: Array<[number, Uint8Array<ArrayBuffer>]>;
}

/** Either way the request's buffers come back, transferred, for the page to fill again. */
export type PieceWriteReply =
  | { type: 'written'; id: number; buffers: ArrayBuffer[] }
  /** `name` is the DOMException's (e.g. `QuotaExceededError`), so the page reports the same error it would have met itself. */
  | { type: 'failed'; id: number; buffers: ArrayBuffer[]; name: string; message: string };
