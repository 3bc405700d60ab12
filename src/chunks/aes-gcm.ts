import { CodedError } from '../coded-error.ts';
/**
 * AES-256-GCM through WebCrypto, the one cipher private shares use. GCM both
 * hides and authenticates: any flipped bit in the ciphertext, tag, nonce or
 * associated data, or a different key, makes decryption fail as a whole, so
 * callers never see unauthenticated plaintext.
 */

export const GCM_NONCE_BYTES = 12;
export const GCM_TAG_BYTES = 16;
export const AES_KEY_BYTES = 32;

export type DecryptErrorCode = 'piece-rejected' | 'manifest-rejected';

/** Authentication failed: wrong key or altered bytes (GCM cannot tell which). */
export class DecryptError extends CodedError<DecryptErrorCode> {
  override name = 'DecryptError';
}

export async function importAesKey(raw: Uint8Array): Promise<CryptoKey> {
  if (raw.byteLength !== AES_KEY_BYTES) throw new RangeError(`AES key must be ${AES_KEY_BYTES} bytes, got ${raw.byteLength}`);
  return crypto.subtle.importKey('raw', bufferSource(raw), 'AES-GCM', false, ['encrypt', 'decrypt']);
}

export async function gcmEncrypt(
  key: CryptoKey,
  nonce: Uint8Array,
  plaintext: Uint8Array,
  associatedData: Uint8Array,
): Promise<Uint8Array> {
  const params = { name: 'AES-GCM', iv: bufferSource(nonce), additionalData: bufferSource(associatedData) };
  return new Uint8Array(await crypto.subtle.encrypt(params, key, bufferSource(plaintext)));
}

/** Plaintext, or null when authentication fails; the caller names the failure. */
export async function gcmDecrypt(
  key: CryptoKey,
  nonce: Uint8Array,
  ciphertext: Uint8Array,
  associatedData: Uint8Array,
): Promise<Uint8Array | null> {
  if (ciphertext.byteLength < GCM_TAG_BYTES) return null;
  const params = { name: 'AES-GCM', iv: bufferSource(nonce), additionalData: bufferSource(associatedData) };
  try {
    return new Uint8Array(await crypto.subtle.decrypt(params, key, bufferSource(ciphertext)));
  } catch (error) {
    // WebCrypto reports a failed tag check as OperationError; anything else is a real fault.
    if (error instanceof Error && error.name === 'OperationError') return null;
    throw error;
  }
}

/** WebCrypto refuses views of a SharedArrayBuffer; copy only in that rare case. */
export function bufferSource(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return bytes.buffer instanceof ArrayBuffer ? (bytes as Uint8Array<ArrayBuffer>) : new Uint8Array(bytes);
}
