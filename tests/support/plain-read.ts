import { plaintextPieces, readFileRange, storedPieces } from '../../src/chunks/plain-reader.ts';
import type { PieceStore } from '../../src/chunks/piece-store.ts';
import type { Listing, ShareContent } from '../../src/chunks/share-access.ts';

/** `length` plaintext bytes of a file from `offset`, read the way the app reads them (test convenience). */
export async function readPlain(content: ShareContent, store: PieceStore, fileIndex: number, offset: number, length: number): Promise<Uint8Array> {
  const listing = content.listing as Listing;
  const parts: Uint8Array[] = [];
  const pieces = plaintextPieces(content, storedPieces(store));
  for await (const chunk of readFileRange(listing, fileIndex, { start: offset, end: offset + length }, pieces)) parts.push(chunk);
  return new Uint8Array(await new Blob(parts as BlobPart[]).arrayBuffer());
}
