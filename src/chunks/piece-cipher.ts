import { DecryptError, GCM_NONCE_BYTES, GCM_TAG_BYTES, gcmDecrypt, gcmEncrypt } from './aes-gcm.ts';
import { choosePieceLength } from './manifest.ts';
import type { PieceIndex } from './piece-store.ts';

/**
 * Pieces of a private share are encrypted one by one with the piece key
 * (AES-256-GCM). The nonce is the piece index, so it is never stored or sent
 * and never repeats under one key: each share has a fresh random key and
 * each index is encrypted exactly once.
 *
 * Nonce (96 bits): 4 zero bytes ‖ u64be piece index.
 *
 * A ciphertext piece is its plaintext plus the 16-byte tag. Plaintext pieces
 * are `P − 16` bytes so ciphertext pieces are exactly `P`, a power of two,
 * and the outer manifest, the picker and the wire handle ciphertext exactly
 * as they handle a public share's pieces.
 */

export const PIECE_OVERHEAD_BYTES = GCM_TAG_BYTES;
/** The wire carries piece indices as u32. */
export const MAX_PIECE_INDEX = 0xffff_ffff;

const NO_ASSOCIATED_DATA = new Uint8Array(0);
const INDEX_OFFSET = 4;

export function pieceNonce(index: PieceIndex): Uint8Array {
  if (!Number.isInteger(index) || index < 0 || index > MAX_PIECE_INDEX) {
    throw new RangeError(`piece index ${index} out of range 0..${MAX_PIECE_INDEX}`);
  }
  const nonce = new Uint8Array(GCM_NONCE_BYTES);
  new DataView(nonce.buffer).setBigUint64(INDEX_OFFSET, BigInt(index), false);
  return nonce;
}

export async function encryptPiece(pieceKey: CryptoKey, index: PieceIndex, plaintext: Uint8Array): Promise<Uint8Array> {
  return gcmEncrypt(pieceKey, pieceNonce(index), plaintext, NO_ASSOCIATED_DATA);
}

/** Throws DecryptError when the bytes were altered, belong to another index, or the key is wrong. */
export async function decryptPiece(pieceKey: CryptoKey, index: PieceIndex, ciphertext: Uint8Array): Promise<Uint8Array> {
  const plaintext = await gcmDecrypt(pieceKey, pieceNonce(index), ciphertext, NO_ASSOCIATED_DATA);
  if (!plaintext) throw new DecryptError('piece-rejected', `piece ${index} failed authentication`);
  return plaintext;
}

/** Ciphertext piece length (a power of two) for a private share of `plainTotalBytes`. */
export function chooseCipherPieceLength(plainTotalBytes: number): number {
  return choosePieceLength(plainTotalBytes);
}

export function plainPieceLength(cipherPieceLength: number): number {
  return cipherPieceLength - PIECE_OVERHEAD_BYTES;
}

/** Size of the single ciphertext "file" the outer manifest lists: every piece grows by one tag. */
export function cipherTotalBytes(plainTotalBytes: number, cipherPieceLength: number): number {
  return plainTotalBytes + PIECE_OVERHEAD_BYTES * Math.ceil(plainTotalBytes / plainPieceLength(cipherPieceLength));
}
