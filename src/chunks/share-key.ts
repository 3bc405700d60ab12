import { AES_KEY_BYTES, bufferSource, importAesKey } from './aes-gcm.ts';
import { encodeBase64url } from './base64url.ts';

/**
 * The share key is 32 random bytes made in the sharer's browser; it lives
 * only in the link fragment. Everything else a private share needs is
 * derived from it with HKDF-SHA-256 under distinct labels, so learning one
 * derived value (the room id the signaling server sees) reveals nothing about
 * the others or the key.
 */

export const SHARE_KEY_BYTES = 32;
export const ROOM_ID_BYTES = 32;

/** HKDF `info` strings; the version lets a later format derive fresh values. */
export const LABELS = {
  roomId: 'shoal/v1/room-id',
  pieceKey: 'shoal/v1/piece-key',
  manifestKey: 'shoal/v1/manifest-key',
} as const;

export type DerivationLabel = (typeof LABELS)[keyof typeof LABELS];

/** base64url of 32 derived bytes: 43 characters, the same shape as a public swarm id. */
export type RoomId = string;

export interface ShareKeys {
  roomId: RoomId;
  /** AES-256-GCM, encrypts pieces; non-extractable. */
  pieceKey: CryptoKey;
  /** AES-256-GCM, encrypts the inner manifest; non-extractable. */
  manifestKey: CryptoKey;
}

export function createShareKey(): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(SHARE_KEY_BYTES));
}

/**
 * HKDF with an empty salt: the share key is already uniformly random, so the
 * extract step needs no salt (RFC 5869 §3.1); labels keep outputs independent.
 */
export async function deriveKeyBytes(shareKey: Uint8Array, label: DerivationLabel, byteLength: number): Promise<Uint8Array> {
  checkShareKey(shareKey);
  const base = await crypto.subtle.importKey('raw', bufferSource(shareKey), 'HKDF', false, ['deriveBits']);
  const params = { name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(0), info: new TextEncoder().encode(label) };
  return new Uint8Array(await crypto.subtle.deriveBits(params, base, byteLength * 8));
}

export async function deriveRoomId(shareKey: Uint8Array): Promise<RoomId> {
  return encodeBase64url(await deriveKeyBytes(shareKey, LABELS.roomId, ROOM_ID_BYTES));
}

export async function deriveShareKeys(shareKey: Uint8Array): Promise<ShareKeys> {
  const [roomId, pieceKey, manifestKey] = await Promise.all([
    deriveRoomId(shareKey),
    deriveKeyBytes(shareKey, LABELS.pieceKey, AES_KEY_BYTES).then(importAesKey),
    deriveKeyBytes(shareKey, LABELS.manifestKey, AES_KEY_BYTES).then(importAesKey),
  ]);
  return { roomId, pieceKey, manifestKey };
}

function checkShareKey(shareKey: Uint8Array): void {
  if (shareKey.byteLength !== SHARE_KEY_BYTES) {
    throw new RangeError(`share key must be ${SHARE_KEY_BYTES} bytes, got ${shareKey.byteLength}`);
  }
}
