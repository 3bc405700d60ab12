import { BufferPool } from './buffer-pool.ts';
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
  if (!pieceKey) return readPiece(files, g, index);
  const { blob, length } = pieceBlob(files, g, index);
  const plain = await readInto(blob, plaintextBuffers.take(length), index);
  // WebCrypto copies its input before encrypt() returns, so the buffer is free again at once.
  const encrypted = encryptPiece(pieceKey, index, plain);
  plaintextBuffers.give(plain);
  return encrypted;
}

/**
 * Plaintext pieces of private shares, read and encrypted one after another:
 * reading each into a new buffer cost a page fault per 4 KiB here, and its
 * release a share of Blink's heap sweeps.
 */
const plaintextBuffers = new BufferPool(4 * 1024 * 1024);

/**
 * Reads one plaintext piece straight from the dropped files (manifest
 * order), one slice per file the piece touches, so only the piece itself is
 * in memory. A file that was moved or changed on disk since it was dropped
 * makes the browser refuse the read: that is StorageError('unavailable').
 */
export async function readPiece(files: readonly Blob[], g: PieceGeometry, index: PieceIndex): Promise<Uint8Array> {
  const { blob, length } = pieceBlob(files, g, index);
  let buffer: ArrayBuffer;
  try {
    buffer = await blob.arrayBuffer();
  } catch (error) {
    throw unreadable(index, error);
  }
  if (buffer.byteLength !== length) throw shortRead(index, buffer.byteLength, length);
  return new Uint8Array(buffer);
}

/**
 * Reads all of `blob` into the memory of `target` (its exact length, a whole
 * buffer) without allocating: a BYOB reader fills it in place. Each read
 * transfers the buffer, so `target` comes back detached; the bytes are in
 * the view returned, over the same memory.
 */
async function readInto(blob: Blob, target: Uint8Array, index: PieceIndex): Promise<Uint8Array> {
  const length = target.byteLength;
  let buffer = target.buffer as ArrayBuffer;
  let filled = 0;
  try {
    const reader = blob.stream().getReader({ mode: 'byob' });
    while (filled < length) {
      const { value, done } = await reader.read(new Uint8Array(buffer, filled, length - filled));
      if (done || !value) break;
      filled += value.byteLength;
      buffer = value.buffer;
    }
    reader.releaseLock();
  } catch (error) {
    throw unreadable(index, error);
  }
  if (filled !== length) throw shortRead(index, filled, length);
  return new Uint8Array(buffer, 0, length);
}

/** The slice of the files piece `index` covers (one Blob even across files) and its length. */
function pieceBlob(files: readonly Blob[], g: PieceGeometry, index: PieceIndex): { blob: Blob; length: number } {
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
  // Most pieces lie inside one file: read that slice directly rather than wrapping it in a new Blob.
  return { blob: parts.length === 1 ? parts[0] : new Blob(parts), length: expected };
}

function unreadable(index: PieceIndex, error: unknown): StorageError {
  return new StorageError('unavailable', `could not read piece ${index}: ${String(error)}`, { cause: error });
}

function shortRead(index: PieceIndex, got: number, expected: number): StorageError {
  return new StorageError('corrupt', `piece ${index}: read ${got} bytes, expected ${expected}`);
}
