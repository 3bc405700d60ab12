import { DecryptError } from './aes-gcm.ts';
import { decryptPiece } from './piece-cipher.ts';
import { fileSpans, type FileIndex, type FileSpan } from './piece-layout.ts';
import type { PieceIndex, PieceStore } from './piece-store.ts';
import { SaveError } from './save-error.ts';
import type { Listing, ShareContent } from './share-access.ts';

/**
 * The one way to read a share's files back: plaintext bytes of a file range,
 * whatever the share's kind. A private share's pieces are decrypted (and so
 * authenticated a second time) one at a time; nothing here holds more than a
 * piece, so saving, streaming and zipping all read through it.
 */
export interface PlainReader {
  readonly listing: Listing;
  /**
   * `length` bytes of file `fileIndex` from `offset`. Throws SaveError:
   * 'incomplete' when a piece is not stored, 'tampered' when one fails
   * decryption; RangeError when the range lies outside the file.
   */
  readPlain(fileIndex: FileIndex, offset: number, length: number): Promise<Uint8Array<ArrayBuffer>>;
}

export function plainReader(content: ShareContent, store: PieceStore): PlainReader {
  const listing = content.listing;
  if (!listing) throw new RangeError('a relay holds no key: it cannot read the files');
  const spansByFile = new Map<FileIndex, FileSpan[]>();
  // Sequential readers (a player, a zip stream) ask for one piece many times in a row.
  let last: { index: PieceIndex; bytes: Promise<Uint8Array> } | null = null;

  const plainPiece = async (index: PieceIndex): Promise<Uint8Array> => {
    const stored = await store.get(index);
    if (!stored) throw new SaveError('incomplete', `piece ${index} is not stored yet`);
    if (!content.pieceKey) return stored;
    try {
      return await decryptPiece(content.pieceKey, index, stored);
    } catch (error) {
      if (error instanceof DecryptError) throw new SaveError('tampered', error.message, { cause: error });
      throw error;
    }
  };
  const piece = (index: PieceIndex): Promise<Uint8Array> => {
    if (last?.index !== index) last = { index, bytes: plainPiece(index) };
    return last.bytes;
  };

  return {
    listing,
    async readPlain(fileIndex, offset, length) {
      const file = listing.files[fileIndex];
      if (!file) throw new RangeError(`file index ${fileIndex} out of range`);
      if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0 || offset + length > file.size) {
        throw new RangeError(`range ${offset}+${length} outside file ${fileIndex} of ${file.size} bytes`);
      }
      let spans = spansByFile.get(fileIndex);
      if (!spans) spansByFile.set(fileIndex, (spans = fileSpans(listing.geometry, fileIndex)));
      const out = new Uint8Array(length);
      let fileOffset = 0;
      for (const span of spans) {
        const from = Math.max(offset, fileOffset);
        const to = Math.min(offset + length, fileOffset + span.length);
        if (from < to) {
          const bytes = await piece(span.pieceIndex);
          const start = span.pieceOffset + (from - fileOffset);
          if (bytes.byteLength < start + (to - from)) throw new SaveError('incomplete', `piece ${span.pieceIndex} is shorter than expected`);
          out.set(bytes.subarray(start, start + (to - from)), from - offset);
        }
        fileOffset += span.length;
        if (fileOffset >= offset + length) break;
      }
      return out;
    },
  };
}

/** A file's plaintext one piece-sized chunk at a time, in order: what saving writes. */
export async function* fileChunks(reader: PlainReader, fileIndex: FileIndex): AsyncGenerator<Uint8Array<ArrayBuffer>> {
  let offset = 0;
  for (const span of fileSpans(reader.listing.geometry, fileIndex)) {
    yield await reader.readPlain(fileIndex, offset, span.length);
    offset += span.length;
  }
}
