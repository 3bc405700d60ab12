/** Messages between hash-bench.ts (page) and hash-bench-worker.ts. */
export type HashImpl = 'hash-wasm' | 'webcrypto';

export interface HashBenchRequest {
  id: number;
  impl: HashImpl;
  pieceBytes: number;
  totalBytes: number;
}

export type HashBenchReply = { id: number; ok: true; ms: number } | { id: number; ok: false; message: string };
