/** Messages between `hashFiles` (main thread) and `hash-worker.ts`. One request per worker. */

export interface HashRequest {
  type: 'hash';
  /** In manifest order; File objects are structured-cloned as handles, not bytes. */
  files: File[];
  /** Plaintext piece length the files are cut at. */
  pieceLength: number;
  /** Private shares: encrypt each piece before hashing, so hashes cover the ciphertext peers exchange. */
  pieceKey: CryptoKey | null;
}

export type HashReply =
  | { type: 'progress'; bytesHashed: number }
  /** 32 bytes per piece; the buffer is transferred. */
  | { type: 'done'; pieceHashes: ArrayBuffer }
  | { type: 'failed'; code: 'read-failed' | 'hash-failed'; message: string };
