import { describe, expect, it } from 'vitest';
import { decodeBase64url, encodeBase64url } from '../../src/chunks/base64url.ts';
import { isSwarmId } from '../../src/chunks/manifest.ts';
import { bytesEqual } from '../../src/chunks/sha256.ts';
import {
  LABELS,
  SHARE_KEY_BYTES,
  createShareKey,
  deriveKeyBytes,
  deriveRoomId,
  deriveShareKeys,
} from '../../src/chunks/share-key.ts';
import { seededBytes } from '../support/content.ts';

const KEY = seededBytes(SHARE_KEY_BYTES, 7);

describe('share key', () => {
  it('is 32 fresh random bytes each time', () => {
    const a = createShareKey();
    const b = createShareKey();
    expect(a.byteLength).toBe(32);
    expect(bytesEqual(a, b)).toBe(false);
  });

  it('derives a room id that is stable and shaped like a swarm id', async () => {
    const roomId = await deriveRoomId(KEY);
    expect(await deriveRoomId(KEY.slice())).toBe(roomId);
    expect(isSwarmId(roomId)).toBe(true);
    expect((await deriveShareKeys(KEY)).roomId).toBe(roomId);
  });

  it('derives a different room id for a different key', async () => {
    const other = KEY.slice();
    other[0] ^= 1;
    expect(await deriveRoomId(other)).not.toBe(await deriveRoomId(KEY));
  });

  it('derives a room id unlike the key and unlike both encryption keys', async () => {
    const room = decodeBase64url(await deriveRoomId(KEY))!;
    const pieceKey = await deriveKeyBytes(KEY, LABELS.pieceKey, 32);
    const manifestKey = await deriveKeyBytes(KEY, LABELS.manifestKey, 32);
    const all = [KEY, room, pieceKey, manifestKey];
    for (let i = 0; i < all.length; i++) {
      for (let j = i + 1; j < all.length; j++) expect(bytesEqual(all[i], all[j]), `${i} vs ${j}`).toBe(false);
    }
    expect(encodeBase64url(room)).toBe(await deriveRoomId(KEY));
  });

  it('matches the RFC 5869 HKDF-SHA-256 output for the room label', async () => {
    // Independent check with node:crypto, so the derivation cannot silently change.
    const { hkdfSync } = await import('node:crypto');
    const expected = new Uint8Array(hkdfSync('sha256', KEY, new Uint8Array(0), LABELS.roomId, 32));
    expect(bytesEqual(await deriveKeyBytes(KEY, LABELS.roomId, 32), expected)).toBe(true);
  });

  it('refuses a key of the wrong length', async () => {
    await expect(deriveRoomId(new Uint8Array(31))).rejects.toThrow(RangeError);
    await expect(deriveShareKeys(new Uint8Array(33))).rejects.toThrow(RangeError);
  });
});

describe('base64url', () => {
  it('round-trips every length up to 40 bytes', () => {
    for (let n = 0; n <= 40; n++) {
      const bytes = seededBytes(n, n + 1);
      const text = encodeBase64url(bytes);
      expect(text).toBe(Buffer.from(bytes).toString('base64url'));
      expect(bytesEqual(decodeBase64url(text)!, bytes)).toBe(true);
    }
  });

  it.each([
    ['a character outside the alphabet', 'AB+C'],
    ['padding', 'AA=='],
    ['a lone trailing character', 'AAAAA'],
    ['non-zero spare bits', 'AB'],
  ])('rejects %s', (_what, text) => {
    expect(decodeBase64url(text)).toBeNull();
  });
});
