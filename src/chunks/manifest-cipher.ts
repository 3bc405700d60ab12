import { DecryptError, GCM_NONCE_BYTES, GCM_TAG_BYTES, gcmDecrypt, gcmEncrypt } from './aes-gcm.ts';
import { decodeBase64url, encodeBase64url } from './base64url.ts';
import {
  DEFAULT_MIME,
  HASH_BYTES,
  MAX_MANIFEST_BYTES,
  ManifestError,
  createManifest,
  decodeManifest,
  encodeManifest,
  totalBytes,
  validateManifest,
  type Manifest,
  type ManifestFile,
} from './manifest.ts';
import { cipherTotalBytes, plainPieceLength } from './piece-cipher.ts';
import type { PieceGeometry } from './piece-layout.ts';
import { bytesEqual, sha256 } from './sha256.ts';
import type { ShareKeys } from './share-key.ts';
import { CodedError } from '../coded-error.ts';

/**
 * A private share has two manifests.
 *
 * The outer manifest is an ordinary Shoal manifest of the ciphertext: one
 * file named `ciphertext`, the ciphertext piece length (a power of two) and
 * the SHA-256 of every ciphertext piece. Relays without the key use it to
 * verify and serve pieces; it says nothing about names, types or layout.
 *
 * The inner manifest holds what only key holders may see: the share name,
 * each file's path, size and MIME type, and the SHA-256 of the outer
 * manifest's bytes, which lets a key holder authenticate the outer manifest
 * (and so every piece hash) a relay handed over. It is JSON, AES-256-GCM
 * encrypted with the manifest key under a random nonce.
 *
 * Peers exchange both as one envelope, little-endian:
 *
 * ```
 * MAGIC_OFFSET         0  4 bytes 'SHPE'
 * VERSION_OFFSET       4  u8      1
 * OUTER_LENGTH_OFFSET  5  u32     outer manifest byte length
 * OUTER_OFFSET         9  outer manifest (encodeManifest)
 *                         12-byte nonce ‖ inner manifest ciphertext ‖ 16-byte tag
 * ```
 */

export interface InnerManifest {
  name: string;
  /** In manifest order (sorted by path): the order the plaintext concatenates them. */
  files: ManifestFile[];
  /** SHA-256 of the outer manifest's canonical bytes. */
  outerDigest: Uint8Array;
}

/** What a key holder knows once the envelope opens. */
export interface OpenedShare {
  outer: Manifest;
  name: string;
  files: ManifestFile[];
  /** Plaintext layout: files concatenated, cut into pieces one tag shorter than the outer ones. */
  plainGeometry: PieceGeometry;
}

export type PrivateManifestErrorCode = 'bad-envelope' | 'unsupported-version' | 'too-large' | 'bad-inner' | 'digest-mismatch' | 'layout-mismatch';

export class PrivateManifestError extends CodedError<PrivateManifestErrorCode> {
  override name = 'PrivateManifestError';
}

export const OUTER_NAME = 'private';
export const OUTER_PATH = 'ciphertext';

const MAGIC = [0x53, 0x48, 0x50, 0x45]; // 'SHPE'
const VERSION = 1;
const MAGIC_OFFSET = 0;
const VERSION_OFFSET = MAGIC_OFFSET + MAGIC.length;
const OUTER_LENGTH_OFFSET = VERSION_OFFSET + 1;
const OUTER_OFFSET = OUTER_LENGTH_OFFSET + 4;
const MIN_SEALED_BYTES = GCM_NONCE_BYTES + GCM_TAG_BYTES;
// Binds the inner manifest ciphertext to its purpose and format version.
const INNER_ASSOCIATED_DATA = new TextEncoder().encode('shoal/v1/inner-manifest');

const utf8 = new TextEncoder();
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** 12-byte random nonce ‖ ciphertext ‖ tag. Random because the manifest key may seal more than once. */
export async function encryptManifest(manifestKey: CryptoKey, inner: InnerManifest): Promise<Uint8Array> {
  const nonce = crypto.getRandomValues(new Uint8Array(GCM_NONCE_BYTES));
  const json = JSON.stringify({
    name: inner.name,
    files: inner.files.map((f) => [f.path, f.size, f.mime]),
    outerDigest: encodeBase64url(inner.outerDigest),
  });
  const ciphertext = await gcmEncrypt(manifestKey, nonce, utf8.encode(json), INNER_ASSOCIATED_DATA);
  const sealed = new Uint8Array(GCM_NONCE_BYTES + ciphertext.byteLength);
  sealed.set(nonce);
  sealed.set(ciphertext, GCM_NONCE_BYTES);
  return sealed;
}

/** Throws DecryptError (wrong key or altered bytes) or PrivateManifestError (authentic but malformed). */
export async function decryptManifest(manifestKey: CryptoKey, sealed: Uint8Array): Promise<InnerManifest> {
  if (sealed.byteLength < MIN_SEALED_BYTES) throw new PrivateManifestError('bad-envelope', 'inner manifest truncated');
  const nonce = sealed.subarray(0, GCM_NONCE_BYTES);
  const plaintext = await gcmDecrypt(manifestKey, nonce, sealed.subarray(GCM_NONCE_BYTES), INNER_ASSOCIATED_DATA);
  if (!plaintext) {
    throw new DecryptError('manifest-rejected', 'the link key does not open this share’s manifest (wrong key or altered manifest)');
  }
  return parseInner(plaintext);
}

/** Builds the outer manifest and the envelope the sharer hands to peers. `files` must be in manifest order. */
export async function sealPrivateShare(
  keys: ShareKeys,
  input: { name: string; files: ManifestFile[]; cipherPieceLength: number; cipherPieceHashes: Uint8Array },
): Promise<{ outer: Manifest; envelope: Uint8Array }> {
  const plainTotal = input.files.reduce((sum, f) => sum + f.size, 0);
  const outer = createManifest({
    name: OUTER_NAME,
    files: [{ path: OUTER_PATH, size: cipherTotalBytes(plainTotal, input.cipherPieceLength), mime: DEFAULT_MIME }],
    pieceLength: input.cipherPieceLength,
    pieceHashes: input.cipherPieceHashes,
  });
  checkListing(input.name, input.files, outer);
  const outerBytes = encodeManifest(outer);
  const inner: InnerManifest = { name: input.name, files: input.files, outerDigest: await sha256(outerBytes) };
  const sealed = await encryptManifest(keys.manifestKey, inner);
  return { outer, envelope: packEnvelope(outerBytes, sealed) };
}

/**
 * The outer manifest alone, for a relay without the key. Nothing binds it to
 * the room id, so a relay can only trust the first one it gets.
 */
export function readEnvelopeOuter(envelope: Uint8Array): Manifest {
  return unpackEnvelope(envelope).outer;
}

/** Decrypts the inner manifest and checks it vouches for this outer manifest. */
export async function openPrivateShare(keys: ShareKeys, envelope: Uint8Array): Promise<OpenedShare> {
  const { outer, outerBytes, sealed } = unpackEnvelope(envelope);
  const inner = await decryptManifest(keys.manifestKey, sealed);
  if (!bytesEqual(await sha256(outerBytes), inner.outerDigest)) {
    throw new PrivateManifestError('digest-mismatch', 'the outer manifest is not the one this share was sealed with');
  }
  checkListing(inner.name, inner.files, outer);
  return {
    outer,
    name: inner.name,
    files: inner.files,
    plainGeometry: { pieceLength: plainPieceLength(outer.pieceLength), files: inner.files },
  };
}

function packEnvelope(outerBytes: Uint8Array, sealed: Uint8Array): Uint8Array {
  const size = OUTER_OFFSET + outerBytes.byteLength + sealed.byteLength;
  if (size > MAX_MANIFEST_BYTES) throw new PrivateManifestError('too-large', `envelope would be ${size} bytes`);
  const out = new Uint8Array(size);
  out.set(MAGIC, MAGIC_OFFSET);
  out[VERSION_OFFSET] = VERSION;
  new DataView(out.buffer).setUint32(OUTER_LENGTH_OFFSET, outerBytes.byteLength, true);
  out.set(outerBytes, OUTER_OFFSET);
  out.set(sealed, OUTER_OFFSET + outerBytes.byteLength);
  return out;
}

function unpackEnvelope(envelope: Uint8Array): { outer: Manifest; outerBytes: Uint8Array; sealed: Uint8Array } {
  if (envelope.byteLength > MAX_MANIFEST_BYTES) {
    throw new PrivateManifestError('too-large', `envelope is ${envelope.byteLength} bytes, limit ${MAX_MANIFEST_BYTES}`);
  }
  if (envelope.byteLength < OUTER_OFFSET || MAGIC.some((b, i) => envelope[MAGIC_OFFSET + i] !== b)) {
    throw new PrivateManifestError('bad-envelope', 'not a private share envelope');
  }
  if (envelope[VERSION_OFFSET] !== VERSION) {
    throw new PrivateManifestError('unsupported-version', `envelope version ${envelope[VERSION_OFFSET]}`);
  }
  const view = new DataView(envelope.buffer, envelope.byteOffset, envelope.byteLength);
  const outerLength = view.getUint32(OUTER_LENGTH_OFFSET, true);
  const outerEnd = OUTER_OFFSET + outerLength;
  if (envelope.byteLength - outerEnd < MIN_SEALED_BYTES) {
    throw new PrivateManifestError('bad-envelope', 'envelope truncated');
  }
  const outerBytes = envelope.subarray(OUTER_OFFSET, outerEnd);
  let outer: Manifest;
  try {
    outer = decodeManifest(outerBytes);
  } catch (error) {
    if (error instanceof ManifestError) throw new PrivateManifestError('bad-envelope', `outer manifest: ${error.message}`);
    throw error;
  }
  if (outer.name !== OUTER_NAME || outer.files.length !== 1 || outer.files[0].path !== OUTER_PATH) {
    throw new PrivateManifestError('bad-envelope', 'outer manifest is not a private share’s');
  }
  return { outer, outerBytes, sealed: envelope.subarray(outerEnd) };
}

/** Strict schema: exactly the fields encryptManifest writes. */
function parseInner(plaintext: Uint8Array): InnerManifest {
  let value: unknown;
  try {
    value = JSON.parse(strictUtf8.decode(plaintext));
  } catch (error) {
    throw new PrivateManifestError('bad-inner', `inner manifest is not JSON (${String(error)})`);
  }
  if (!isRecord(value) || Object.keys(value).length !== 3) throw badInner('not an object of three fields');
  const { name, files, outerDigest } = value;
  if (typeof name !== 'string') throw badInner('name');
  if (!Array.isArray(files)) throw badInner('files');
  const digest = typeof outerDigest === 'string' ? decodeBase64url(outerDigest) : null;
  if (!digest || digest.byteLength !== HASH_BYTES) throw badInner('outer digest');
  return { name, files: files.map(parseFile), outerDigest: digest };
}

function parseFile(entry: unknown): ManifestFile {
  if (!Array.isArray(entry) || entry.length !== 3) throw badInner('file entry');
  const [path, size, mime] = entry as unknown[];
  if (typeof path !== 'string' || typeof size !== 'number' || typeof mime !== 'string') throw badInner('file entry');
  return { path, size, mime };
}

/**
 * Names, paths, MIME types and order follow the public manifest's rules; the
 * plaintext must fill exactly the outer manifest's pieces, one tag each.
 */
function checkListing(name: string, files: ManifestFile[], outer: Manifest): void {
  const plainTotal = files.reduce((sum, f) => sum + f.size, 0);
  const expected = cipherTotalBytes(plainTotal, outer.pieceLength);
  if (totalBytes(outer) !== expected) {
    throw new PrivateManifestError('layout-mismatch', `outer manifest holds ${totalBytes(outer)} bytes, files need ${expected}`);
  }
  // validateManifest holds the listing rules; the leading outer hashes give it the piece shape it also checks.
  const listingHashes = outer.pieceHashes.subarray(0, HASH_BYTES * Math.ceil(plainTotal / outer.pieceLength));
  try {
    validateManifest({ name, files, pieceLength: outer.pieceLength, pieceHashes: listingHashes });
  } catch (error) {
    if (error instanceof ManifestError) throw badInner(error.message);
    throw error;
  }
}

function badInner(what: string): PrivateManifestError {
  return new PrivateManifestError('bad-inner', `inner manifest: bad ${what}`);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
