import { describe, expect, it } from 'vitest';
import { DecryptError, importAesKey } from '../../src/chunks/aes-gcm.ts';
import { MAX_PIECE_LENGTH } from '../../src/chunks/manifest.ts';
import {
  MAX_PIECE_INDEX,
  PIECE_OVERHEAD_BYTES,
  chooseCipherPieceLength,
  cipherTotalBytes,
  decryptPiece,
  encryptPiece,
  pieceNonce,
  plainPieceLength,
} from '../../src/chunks/piece-cipher.ts';
import { bytesEqual } from '../../src/chunks/sha256.ts';
import { deriveShareKeys } from '../../src/chunks/share-key.ts';
import { seededBytes } from '../support/content.ts';

const KiB = 1024;
const keys = await deriveShareKeys(seededBytes(32, 3));
const PLAIN = seededBytes(16 * KiB - PIECE_OVERHEAD_BYTES, 11);

function flipBit(bytes: Uint8Array, at: number): Uint8Array {
  const out = bytes.slice();
  out[at] ^= 0x01;
  return out;
}

describe('piece encryption', () => {
  it('round-trips, and the ciphertext is the plaintext plus a 16-byte tag', async () => {
    const sealed = await encryptPiece(keys.pieceKey, 5, PLAIN);
    expect(sealed.byteLength).toBe(16 * KiB);
    expect(bytesEqual(await decryptPiece(keys.pieceKey, 5, sealed), PLAIN)).toBe(true);
  });

  it('encrypts the same plaintext differently at different indices', async () => {
    const a = await encryptPiece(keys.pieceKey, 0, PLAIN);
    const b = await encryptPiece(keys.pieceKey, 1, PLAIN);
    expect(bytesEqual(a, b)).toBe(false);
  });

  it.each([
    ['the first body byte', 0],
    ['a middle body byte', 8000],
    ['the last body byte', PLAIN.byteLength - 1],
    ['the tag', PLAIN.byteLength + 3],
  ])('rejects a flipped bit in %s', async (_where, at) => {
    const sealed = await encryptPiece(keys.pieceKey, 2, PLAIN);
    await expect(decryptPiece(keys.pieceKey, 2, flipBit(sealed, at))).rejects.toMatchObject({
      name: 'DecryptError',
      code: 'piece-rejected',
    });
  });

  it('rejects a piece presented under another index (the nonce is the index)', async () => {
    const sealed = await encryptPiece(keys.pieceKey, 2, PLAIN);
    await expect(decryptPiece(keys.pieceKey, 3, sealed)).rejects.toThrow(DecryptError);
  });

  it('rejects a wrong key, including the same share’s manifest key', async () => {
    const sealed = await encryptPiece(keys.pieceKey, 0, PLAIN);
    const stranger = await deriveShareKeys(seededBytes(32, 4));
    await expect(decryptPiece(stranger.pieceKey, 0, sealed)).rejects.toThrow(DecryptError);
    await expect(decryptPiece(keys.manifestKey, 0, sealed)).rejects.toThrow(DecryptError);
  });

  it('rejects truncated and empty ciphertext', async () => {
    const sealed = await encryptPiece(keys.pieceKey, 0, PLAIN);
    await expect(decryptPiece(keys.pieceKey, 0, sealed.subarray(0, 100))).rejects.toThrow(DecryptError);
    await expect(decryptPiece(keys.pieceKey, 0, new Uint8Array(0))).rejects.toThrow(DecryptError);
  });

  it('encrypts an empty plaintext to just a tag that still authenticates', async () => {
    const sealed = await encryptPiece(keys.pieceKey, 9, new Uint8Array(0));
    expect(sealed.byteLength).toBe(PIECE_OVERHEAD_BYTES);
    expect((await decryptPiece(keys.pieceKey, 9, sealed)).byteLength).toBe(0);
  });

  it('is AES-256-GCM with nonce 0⁴ ‖ u64be index (checked against node:crypto)', async () => {
    const { createCipheriv, hkdfSync } = await import('node:crypto');
    const seed = seededBytes(32, 3);
    const raw = new Uint8Array(hkdfSync('sha256', seed, new Uint8Array(0), 'shoal/v1/piece-key', 32));
    const cipher = createCipheriv('aes-256-gcm', raw, Buffer.from('000000000000000000000102', 'hex'));
    const expected = Buffer.concat([cipher.update(PLAIN), cipher.final(), cipher.getAuthTag()]);
    expect(bytesEqual(await encryptPiece(keys.pieceKey, 0x102, PLAIN), expected)).toBe(true);
    expect(bytesEqual(await encryptPiece(await importAesKey(raw), 0x102, PLAIN), expected)).toBe(true);
  });
});

describe('piece nonces', () => {
  it('are unique over every piece of a 100,000-piece share and at the largest index', () => {
    const seen = new Set<string>();
    const indices = [...Array.from({ length: 100_000 }, (_, i) => i), MAX_PIECE_INDEX];
    for (const i of indices) seen.add(Buffer.from(pieceNonce(i)).toString('hex'));
    expect(seen.size).toBe(indices.length);
    expect(Buffer.from(pieceNonce(MAX_PIECE_INDEX)).toString('hex')).toBe('0000000000000000ffffffff');
  });

  it.each([-1, 1.5, MAX_PIECE_INDEX + 1, Number.NaN])('refuse index %s', (index) => {
    expect(() => pieceNonce(index)).toThrow(RangeError);
  });
});

describe('private piece layout', () => {
  it('makes ciphertext pieces a power of two and plaintext pieces one tag shorter', () => {
    for (const total of [1, 1_000_000, 5_000_000_000]) {
      const p = chooseCipherPieceLength(total);
      expect(p & (p - 1)).toBe(0);
      expect(p).toBeLessThanOrEqual(MAX_PIECE_LENGTH);
      expect(plainPieceLength(p)).toBe(p - 16);
    }
  });

  it.each([
    [1, 17],
    [16 * KiB - 16, 16 * KiB],
    [16 * KiB - 15, 16 * KiB + 17],
    [3 * (16 * KiB - 16), 3 * 16 * KiB],
  ])('grows %i plaintext bytes to %i ciphertext bytes with 16 KiB pieces', (plain, cipher) => {
    expect(cipherTotalBytes(plain, 16 * KiB)).toBe(cipher);
  });
});
