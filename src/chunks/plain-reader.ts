import { DecryptError } from './aes-gcm.ts';
import { decryptPiece } from './piece-cipher.ts';
import { fileSpans, type FileIndex } from './piece-layout.ts';
import type { PieceIndex, PieceStore } from './piece-store.ts';
import type { Listing, ShareContent } from './share-access.ts';
import { CodedError } from '../coded-error.ts';

/**
 * The one way file bytes leave Shoal: a file's byte range, read piece by
 * piece from a `PieceSource` that hands out verified plaintext pieces. A
 * private share decrypts inside its source, so streaming, saving and zipping
 * never see anything else. Never holds more than one piece at a time.
 */

/** A verified plaintext piece, waiting for it if the source can; rejects when it cannot have it. */
export type PieceSource = (index: PieceIndex, signal?: AbortSignal) => Promise<Uint8Array>;

export type ReadErrorCode = 'incomplete' | 'bad-range' | 'timeout' | 'tampered';

export class ReadError extends CodedError<ReadErrorCode> {
  override name = 'ReadError';
}

/** Bytes [start, end) of a file, one chunk per piece it touches, in order. */
export async function* readFileRange(
  listing: Listing,
  fileIndex: FileIndex,
  range: { start: number; end: number },
  source: PieceSource,
  signal?: AbortSignal,
): AsyncGenerator<Uint8Array<ArrayBuffer>> {
  const size = listing.files[fileIndex]?.size;
  if (size === undefined) throw new ReadError('bad-range', `no file ${fileIndex}`);
  const { start, end } = range;
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || end > size || start > end) {
    throw new ReadError('bad-range', `bytes ${start}..${end} are not within 0..${size}`);
  }
  let fileOffset = 0;
  for (const span of fileSpans(listing.geometry, fileIndex)) {
    const spanEnd = fileOffset + span.length;
    const from = Math.max(start, fileOffset);
    const to = Math.min(end, spanEnd);
    if (to > from) {
      signal?.throwIfAborted();
      const piece = await source(span.pieceIndex, signal);
      const begin = span.pieceOffset + (from - fileOffset);
      if (piece.byteLength < begin + (to - from)) {
        throw new ReadError('incomplete', `piece ${span.pieceIndex} is shorter than expected`);
      }
      // A copy: consumers transfer or keep it, and the store's piece may be shared.
      yield new Uint8Array(piece.subarray(begin, begin + (to - from)));
    }
    fileOffset = spanEnd;
    if (fileOffset >= end) return;
  }
}

/** The whole file as a stream that reads a piece only when the consumer pulls. */
export function fileStream(listing: Listing, fileIndex: FileIndex, source: PieceSource): ReadableStream<Uint8Array<ArrayBuffer>> {
  const abort = new AbortController();
  const chunks = readFileRange(listing, fileIndex, { start: 0, end: listing.files[fileIndex].size }, source, abort.signal);
  return new ReadableStream({
    async pull(controller) {
      const next = await chunks.next();
      if (next.done) controller.close();
      else controller.enqueue(next.value);
    },
    cancel(reason) {
      abort.abort(reason);
    },
  });
}

/** Pieces a store already holds; a missing one is an error, not a wait. */
export function storedPieces(store: PieceStore): PieceSource {
  return async (index) => {
    const piece = await store.get(index);
    if (!piece) throw new ReadError('incomplete', `piece ${index} is not stored yet`);
    return piece;
  };
}

/**
 * A share's plaintext pieces from a source of what the swarm verified: a
 * private share's pieces are decrypted (and so authenticated a second time);
 * one that fails is 'tampered' and yields nothing.
 */
export function plaintextPieces(content: ShareContent, source: PieceSource): PieceSource {
  const key = content.pieceKey;
  if (!key) return source;
  return async (index, signal) => {
    const stored = await source(index, signal);
    try {
      return await decryptPiece(key, index, stored);
    } catch (error) {
      if (error instanceof DecryptError) throw new ReadError('tampered', `piece ${index} failed decryption: ${error.message}`);
      throw error;
    }
  };
}
