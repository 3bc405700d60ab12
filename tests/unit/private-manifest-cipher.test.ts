import { describe, expect, it } from 'vitest';
import { DecryptError, gcmEncrypt } from '../../src/chunks/aes-gcm.ts';
import {
  decodeManifest,
  encodeManifest,
  ManifestError,
  pieceBytes,
  pieceCount,
  pieceHash,
} from '../../src/chunks/manifest.ts';
import {
  encryptManifest,
  openPrivateShare,
  PrivateManifestError,
  readEnvelopeOuter,
  sealPrivateShare,
  type PrivateManifestErrorCode,
} from '../../src/chunks/manifest-cipher.ts';
import { decryptPiece } from '../../src/chunks/piece-cipher.ts';
import { bytesEqual, sha256 } from '../../src/chunks/sha256.ts';
import { deriveShareKeys } from '../../src/chunks/share-key.ts';
import { CIPHER_PIECE, SOURCE, buildShare, decryptFiles } from './private-share-fixture.ts';
import { seededBytes } from '../support/content.ts';

const OUTER_OFFSET = 9;
const utf8 = new TextEncoder();
const SHARE_KEY = seededBytes(32, 21);
const keys = await deriveShareKeys(SHARE_KEY);

const share = await buildShare(keys, SOURCE);

function contains(haystack: Uint8Array, needle: Uint8Array): boolean {
  return Buffer.from(haystack).indexOf(Buffer.from(needle)) !== -1;
}

function outerLength(envelope: Uint8Array): number {
  return new DataView(envelope.buffer, envelope.byteOffset).getUint32(5, true);
}

/** The share's envelope with its sealed inner manifest replaced. */
function withSealed(sealed: Uint8Array): Uint8Array {
  const head = share.envelope.subarray(0, OUTER_OFFSET + outerLength(share.envelope));
  return new Uint8Array([...head, ...sealed]);
}

async function openCode(envelope: Uint8Array): Promise<PrivateManifestErrorCode | string> {
  try {
    await openPrivateShare(keys, envelope);
    return 'opened';
  } catch (error) {
    if (error instanceof PrivateManifestError || error instanceof DecryptError) return error.code;
    throw error;
  }
}

describe('private share: key holder', () => {
  it('opens the envelope to the original name, files and plaintext layout', async () => {
    const opened = await openPrivateShare(keys, share.envelope);
    expect(opened.name).toBe('Quarterly Secrets');
    expect(opened.files).toEqual(share.listing);
    expect(opened.plainGeometry.pieceLength).toBe(CIPHER_PIECE - 16);
    expect(bytesEqual(encodeManifest(opened.outer), encodeManifest(share.outer))).toBe(true);
  });

  it('decrypts every piece and reassembles every file byte for byte', async () => {
    const files = await decryptFiles(keys, await openPrivateShare(keys, share.envelope), share.cipherPieces);
    expect([...files.keys()].sort()).toEqual(SOURCE.map((f) => f.path).sort());
    for (const source of SOURCE) expect(bytesEqual(files.get(source.path)!, source.bytes), source.path).toBe(true);
  });

  it('refuses the envelope under a wrong key with a clear error', async () => {
    const stranger = await deriveShareKeys(seededBytes(32, 22));
    await expect(openPrivateShare(stranger, share.envelope)).rejects.toMatchObject({
      name: 'DecryptError',
      code: 'manifest-rejected',
      message: expect.stringMatching(/wrong key/),
    });
  });
});

describe('private share: relay without the key', () => {
  it('reads an ordinary manifest whose piece hashes and sizes match the ciphertext pieces', () => {
    const outer = readEnvelopeOuter(share.envelope);
    expect(decodeManifest(encodeManifest(outer))).toEqual(outer);
    expect(pieceCount(outer)).toBe(share.cipherPieces.length);
    expect(outer.pieceLength).toBe(CIPHER_PIECE);
    return Promise.all(
      share.cipherPieces.map(async (piece, i) => {
        expect(piece.byteLength).toBe(pieceBytes(outer, i));
        expect(bytesEqual(await sha256(piece), pieceHash(outer, i))).toBe(true);
      }),
    );
  });

  it('catches a tampered ciphertext piece by its hash, and decryption rejects it too', async () => {
    const tampered = share.cipherPieces[1].slice();
    tampered[100] ^= 0x80;
    expect(bytesEqual(await sha256(tampered), pieceHash(share.outer, 1))).toBe(false);
    await expect(decryptPiece(keys.pieceKey, 1, tampered)).rejects.toThrow(DecryptError);
  });

  it('sees no name, path, MIME type, key or plaintext in the envelope or the pieces', () => {
    const seen = [share.envelope, ...share.cipherPieces];
    const secrets = [
      utf8.encode('Quarterly Secrets'),
      utf8.encode('budget'),
      utf8.encode('notes.txt'),
      utf8.encode('vnd.ms-excel'),
      utf8.encode('text/plain'),
      utf8.encode('PLAINTEXT-MARKER'),
      SHARE_KEY,
    ];
    for (const file of SOURCE) {
      for (let at = 0; at + 16 <= file.bytes.byteLength; at += 997) secrets.push(file.bytes.subarray(at, at + 16));
    }
    for (const secret of secrets) {
      for (const bytes of seen) expect(contains(bytes, secret), Buffer.from(secret).toString()).toBe(false);
    }
  });
});

describe('private share: tampered or malformed envelopes', () => {
  const outerEnd = OUTER_OFFSET + outerLength(share.envelope);

  it.each([
    ['the inner nonce', outerEnd],
    ['the inner ciphertext', outerEnd + 20],
    ['the inner tag', share.envelope.byteLength - 1],
  ])('rejects a flipped bit in %s as manifest-rejected', async (_where, at) => {
    const envelope = share.envelope.slice();
    envelope[at] ^= 0x01;
    expect(await openCode(envelope)).toBe('manifest-rejected');
  });

  it('rejects an altered outer piece hash: the inner manifest vouches for other bytes', async () => {
    const envelope = share.envelope.slice();
    envelope[outerEnd - 1] ^= 0x01;
    expect(await openCode(envelope)).toBe('digest-mismatch');
  });

  it('rejects another share’s outer manifest under this share’s key', async () => {
    const other = await buildShare(keys, [{ path: 'x.bin', mime: 'application/octet-stream', bytes: seededBytes(30_000, 9) }]);
    const otherHead = other.envelope.subarray(0, OUTER_OFFSET + outerLength(other.envelope));
    const mixed = new Uint8Array([...otherHead, ...share.envelope.subarray(outerEnd)]);
    expect(await openCode(mixed)).toBe('digest-mismatch');
  });

  it('rejects an authentic inner manifest with an unsafe path', async () => {
    const outerDigest = await sha256(share.envelope.subarray(OUTER_OFFSET, outerEnd));
    const files = share.listing.map((f, i) => (i === 0 ? { ...f, path: '../evil' } : f));
    expect(await openCode(withSealed(await encryptManifest(keys.manifestKey, { name: 'n', files, outerDigest })))).toBe(
      'bad-inner',
    );
  });

  it('rejects an authentic inner manifest whose sizes do not fill the outer pieces', async () => {
    const outerDigest = await sha256(share.envelope.subarray(OUTER_OFFSET, outerEnd));
    const files = share.listing.map((f) => ({ ...f, size: f.size + 1 }));
    expect(await openCode(withSealed(await encryptManifest(keys.manifestKey, { name: 'n', files, outerDigest })))).toBe(
      'layout-mismatch',
    );
  });

  it('rejects an authentic inner manifest that is not the expected JSON', async () => {
    const nonce = new Uint8Array(12);
    const aad = utf8.encode('shoal/v1/inner-manifest');
    for (const text of ['not json', '[]', '{"name":"n","files":[],"outerDigest":"x"}', '{"name":1,"files":[],"outerDigest":""}']) {
      const sealed = new Uint8Array([...nonce, ...(await gcmEncrypt(keys.manifestKey, nonce, utf8.encode(text), aad))]);
      expect(await openCode(withSealed(sealed)), text).toBe('bad-inner');
    }
  });

  const publicManifest = encodeManifest({
    name: 'holiday',
    pieceLength: CIPHER_PIECE,
    files: [{ path: 'a.txt', size: 10, mime: 'text/plain' }],
    pieceHashes: new Uint8Array(32),
  });
  function envelopeWith(outerBytes: Uint8Array): Uint8Array {
    const head = new Uint8Array(OUTER_OFFSET);
    head.set([0x53, 0x48, 0x50, 0x45, 1]);
    new DataView(head.buffer).setUint32(5, outerBytes.byteLength, true);
    return new Uint8Array([...head, ...outerBytes, ...new Uint8Array(28)]);
  }

  it.each<[string, () => Uint8Array, PrivateManifestErrorCode]>([
    ['empty input', () => new Uint8Array(0), 'bad-envelope'],
    ['a bare public manifest', () => publicManifest, 'bad-envelope'],
    ['a bad magic', () => share.envelope.map((b, i) => (i === 0 ? 0x58 : b)), 'bad-envelope'],
    ['version 2', () => share.envelope.map((b, i) => (i === 4 ? 2 : b)), 'unsupported-version'],
    ['an outer length past the end', () => envelopeWith(new Uint8Array(0)).map((b, i) => (i === 5 ? 0xff : b)), 'bad-envelope'],
    ['no room for the sealed inner manifest', () => share.envelope.subarray(0, outerEnd + 27), 'bad-envelope'],
    ['a garbage outer manifest', () => envelopeWith(seededBytes(60, 1)), 'bad-envelope'],
    ['a public share’s manifest as the outer one', () => envelopeWith(publicManifest), 'bad-envelope'],
    ['more than 4 MiB', () => new Uint8Array(4 * 1024 * 1024 + 1), 'too-large'],
  ])('rejects %s, for key holders and relays alike', async (_what, make, code) => {
    expect(await openCode(make())).toBe(code);
    expect(() => readEnvelopeOuter(make())).toThrow(PrivateManifestError);
  });
});

describe('sealing', () => {
  it('refuses piece hashes that do not match the ciphertext layout', async () => {
    const files = [{ path: 'a.bin', size: 20_000, mime: 'application/octet-stream' }];
    await expect(
      sealPrivateShare(keys, { name: 'n', files, cipherPieceLength: CIPHER_PIECE, cipherPieceHashes: new Uint8Array(32) }),
    ).rejects.toThrow(ManifestError);
  });

  it('seals the same listing to different bytes each time (random manifest nonce)', async () => {
    const again = await buildShare(keys, SOURCE);
    expect(bytesEqual(again.envelope, share.envelope)).toBe(false);
    expect(bytesEqual(encodeManifest(again.outer), encodeManifest(share.outer))).toBe(true);
  });
});
