import { encryptPiece } from './piece-cipher.ts';
import { pieceSpans, type PieceGeometry } from './piece-layout.ts';
import { StorageError, type PieceIndex } from './piece-store.ts';

/**
 * A piece as the swarm carries it, from the dropped files: the plaintext
 * piece of `g`, encrypted under `pieceKey` for a private share. The nonce is
 * the index, so the hashing worker and the seed produce the same bytes.
 */
export async function readSharePiece(
  files: readonly Blob[],
  g: PieceGeometry,
  index: PieceIndex,
  pieceKey: CryptoKey | null,
): Promise<Uint8Array> {
  const plain = await readPiece(files, g, index);
  return pieceKey ? encryptPiece(pieceKey, index, plain) : plain;
}

/**
 * Reads one plaintext piece straight from the dropped files (manifest
 * order), one slice per file the piece touches, so only the piece itself is
 * in memory. A file that was moved or changed on disk since it was dropped
 * makes the browser refuse the read: that is StorageError('unavailable').
 */
export async function readPiece(files: readonly Blob[], g: PieceGeometry, index: PieceIndex): Promise<Uint8Array> {
  if (files.length !== g.files.length) {
    throw new StorageError('corrupt', `${files.length} files given, the layout has ${g.files.length}`);
  }
  const spans = pieceSpans(g, index);
  let expected = 0;
  const parts: Blob[] = [];
  for (const span of spans) {
    const file = files[span.fileIndex];
    if (file.size !== g.files[span.fileIndex].size) {
      throw new StorageError('unavailable', `file ${span.fileIndex} changed size since it was shared`);
    }
    parts.push(file.slice(span.fileOffset, span.fileOffset + span.length));
    expected += span.length;
  }
  let buffer: ArrayBuffer;
  try {
    // Most pieces lie inside one file: read that slice directly rather than wrapping it in a new Blob.
    buffer = await (parts.length === 1 ? parts[0] : new Blob(parts)).arrayBuffer();
  } catch (error) {
    throw new StorageError('unavailable', `could not read piece ${index}: ${String(error)}`, { cause: error });
  }
  if (buffer.byteLength !== expected) {
    throw new StorageError('corrupt', `piece ${index}: read ${buffer.byteLength} bytes, expected ${expected}`);
  }
  return new Uint8Array(buffer);
}
