import { plaintextPieces, readFileRange, storedPieces } from '../../src/chunks/plain-reader.ts';
import type { PieceStore } from '../../src/chunks/piece-store.ts';
import type { Listing, ShareContent } from '../../src/chunks/share-access.ts';

/** Every chunk a reader yields, joined into one array. */
export async function concatChunks(chunks: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const chunk of chunks) parts.push(chunk);
  return new Uint8Array(await new Blob(parts as BlobPart[]).arrayBuffer());
}

/** `length` plaintext bytes of a file from `offset`, read the way the app reads them (test convenience). */
export function readPlain(content: ShareContent, store: PieceStore, fileIndex: number, offset: number, length: number): Promise<Uint8Array> {
  const pieces = plaintextPieces(content, storedPieces(store));
  return concatChunks(readFileRange(content.listing as Listing, fileIndex, { start: offset, end: offset + length }, pieces));
}
