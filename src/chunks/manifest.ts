/**
 * The manifest names a share: its files, piece length and piece hashes. Its
 * canonical binary form is hashed into the swarm id, so every peer must
 * produce exactly the same bytes for the same content, and a decoder must
 * accept exactly one encoding per manifest.
 *
 * Binary layout, little-endian, fields in this order (offsets after the
 * first variable-length field depend on the lengths before them):
 *
 * ```
 * MAGIC_OFFSET        0   4 bytes  'SHMF'
 * VERSION_OFFSET      4   u8       1
 * PIECE_LENGTH_OFFSET 5   u32      power of two, 16 KiB..16 MiB
 * NAME_OFFSET         9   u16 byte length + UTF-8 name (one path segment)
 *                         u32 file count, 1..100,000
 *                         per file, sorted by path in UTF-16 code-unit order, no duplicates:
 *                           u16 byte length + UTF-8 path ('/'-separated, relative)
 *                           u64 size (<= Number.MAX_SAFE_INTEGER)
 *                           u8 length + ASCII mime (type/subtype tokens, never empty)
 *                         u32 piece count = ceil(total size / piece length)
 *                         32 * piece count bytes of SHA-256 piece hashes
 *                         nothing after
 * ```
 *
 * Mime: the binary form never carries an empty mime, so there is one
 * spelling for "unknown": producers map a missing or malformed type to
 * `application/octet-stream` (see `normalizeMime`).
 */

import { encodeBase64url } from './base64url.ts';
import { CodedError } from '../coded-error.ts';

export interface ManifestFile {
  /** '/'-separated relative path, e.g. 'photos/a.jpg'. */
  path: string;
  size: number;
  mime: string;
}

export interface Manifest {
  name: string;
  pieceLength: number;
  files: ManifestFile[];
  /** 32 bytes per piece, concatenated. */
  pieceHashes: Uint8Array;
}

/** base64url (no padding) of SHA-256(encodeManifest(m)): 43 characters. */
export type SwarmId = string;

export type ManifestErrorCode =
  | 'truncated'
  | 'too-large'
  | 'bad-magic'
  | 'unsupported-version'
  | 'bad-field'
  | 'not-canonical';

export class ManifestError extends CodedError<ManifestErrorCode> {
  override name = 'ManifestError';
}

export const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
export const MAX_FILES = 100_000;
export const MIN_PIECE_LENGTH = 16 * 1024;
export const MAX_PIECE_LENGTH = 16 * 1024 * 1024;
export const HASH_BYTES = 32;
export const DEFAULT_MIME = 'application/octet-stream';

const MAGIC = [0x53, 0x48, 0x4d, 0x46]; // 'SHMF'
const VERSION = 1;
const MAGIC_OFFSET = 0;
const VERSION_OFFSET = MAGIC_OFFSET + MAGIC.length;
const PIECE_LENGTH_OFFSET = VERSION_OFFSET + 1;
const NAME_OFFSET = PIECE_LENGTH_OFFSET + 4;
const MAX_SEGMENT_BYTES = 255;
const MAX_PATH_BYTES = 0xffff;
const MAX_MIME_BYTES = 0xff;

const CHOOSE_MIN_PIECE = 64 * 1024;
const CHOOSE_MAX_PIECE = 4 * 1024 * 1024;
/** Pieces this long and longer cost little each; see choosePieceLength. */
const CHEAP_PIECE = 256 * 1024;
const TARGET_PIECES = 400;
const TARGET_PIECES_LARGE = 2048;

// RFC 9110 token characters on both sides of the slash.
const MIME_PATTERN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+\/[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
// C0, DEL and C1 controls: invisible in file names and dangerous in terminals.
const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const SWARM_ID_PATTERN = /^[A-Za-z0-9_-]{42}[AEIMQUYcgkosw048]$/;

const utf8 = new TextEncoder();
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Smallest power of two in 64 KiB..4 MiB that keeps the piece count under
 * 400, or, once pieces reach 256 KiB, under 2048. Per-piece costs (a file
 * read, a hash, a store write, a picker pass) weigh on small pieces: 64 MiB
 * moved 20% slower between two browsers in 64 KiB pieces than in 256 KiB
 * ones. But a crowd needs many pieces to trade: in the simulator, 100 peers
 * finish at 1.50 × the fluid bound with 128 pieces, 1.27 with 400 and 1.09
 * with 2048, while 256 MiB in 256 KiB pieces instead of 1 MiB ones moved
 * between two browsers within 5% as fast (docs/benchmarks.md).
 */
export function choosePieceLength(totalBytes: number): number {
  if (!Number.isSafeInteger(totalBytes) || totalBytes < 0) {
    throw new RangeError(`total bytes must be a non-negative safe integer, got ${totalBytes}`);
  }
  let length = CHOOSE_MIN_PIECE;
  while (length < CHOOSE_MAX_PIECE && Math.ceil(totalBytes / length) > mostPieces(length)) length *= 2;
  return length;
}

function mostPieces(pieceLength: number): number {
  return pieceLength < CHEAP_PIECE ? TARGET_PIECES : TARGET_PIECES_LARGE;
}

// Manifests are never mutated after creation, and the swarm asks for piece sizes per request.
const totals = new WeakMap<Manifest, number>();

export function totalBytes(m: Manifest): number {
  let total = totals.get(m);
  if (total === undefined) {
    total = 0;
    for (const f of m.files) total += f.size;
    totals.set(m, total);
  }
  return total;
}

export function pieceCount(m: Manifest): number {
  return m.pieceHashes.byteLength / HASH_BYTES;
}

export function pieceBytes(m: Manifest, index: number): number {
  checkPieceIndex(m, index);
  const total = totalBytes(m);
  return Math.min(m.pieceLength, total - index * m.pieceLength);
}

export function pieceHash(m: Manifest, index: number): Uint8Array {
  checkPieceIndex(m, index);
  return m.pieceHashes.subarray(index * HASH_BYTES, (index + 1) * HASH_BYTES);
}

/** A File.type as the manifest stores it: valid type/subtype or the default. */
export function normalizeMime(type: string): string {
  const bare = type.split(';')[0].trim().toLowerCase();
  return bare.length <= MAX_MIME_BYTES && MIME_PATTERN.test(bare) ? bare : DEFAULT_MIME;
}

/** Sorts files by path so the same files always encode to the same bytes; throws ManifestError. */
export function createManifest(input: {
  name: string;
  files: ManifestFile[];
  pieceLength: number;
  pieceHashes: Uint8Array;
}): Manifest {
  const files = input.files
    .map((f) => ({ path: f.path, size: f.size, mime: f.mime }))
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const manifest: Manifest = {
    name: input.name,
    pieceLength: input.pieceLength,
    files,
    pieceHashes: input.pieceHashes.slice(),
  };
  validateManifest(manifest);
  return manifest;
}

export function encodeManifest(m: Manifest): Uint8Array {
  validateManifest(m);
  const name = utf8.encode(m.name);
  const paths = m.files.map((f) => utf8.encode(f.path));
  let size = NAME_OFFSET + 2 + name.byteLength + 4;
  for (let i = 0; i < m.files.length; i++) size += 2 + paths[i].byteLength + 8 + 1 + m.files[i].mime.length;
  size += 4 + m.pieceHashes.byteLength;
  if (size > MAX_MANIFEST_BYTES) throw new ManifestError('too-large', `manifest would be ${size} bytes`);

  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  out.set(MAGIC, MAGIC_OFFSET);
  view.setUint8(VERSION_OFFSET, VERSION);
  view.setUint32(PIECE_LENGTH_OFFSET, m.pieceLength, true);
  let at = NAME_OFFSET;
  view.setUint16(at, name.byteLength, true);
  out.set(name, (at += 2));
  at += name.byteLength;
  view.setUint32(at, m.files.length, true);
  at += 4;
  for (let i = 0; i < m.files.length; i++) {
    const file = m.files[i];
    view.setUint16(at, paths[i].byteLength, true);
    out.set(paths[i], (at += 2));
    at += paths[i].byteLength;
    view.setBigUint64(at, BigInt(file.size), true);
    at += 8;
    view.setUint8(at, file.mime.length);
    at += 1;
    for (let c = 0; c < file.mime.length; c++) out[at++] = file.mime.charCodeAt(c);
  }
  view.setUint32(at, pieceCount(m), true);
  out.set(m.pieceHashes, at + 4);
  return out;
}

export function decodeManifest(bytes: Uint8Array): Manifest {
  if (bytes.byteLength > MAX_MANIFEST_BYTES) {
    throw new ManifestError('too-large', `manifest is ${bytes.byteLength} bytes, limit ${MAX_MANIFEST_BYTES}`);
  }
  const r = new Reader(bytes);
  const magic = r.bytes(MAGIC.length, 'magic');
  if (MAGIC.some((b, i) => magic[i] !== b)) throw new ManifestError('bad-magic', 'not a Shoal manifest');
  const version = r.u8('version');
  if (version !== VERSION) throw new ManifestError('unsupported-version', `manifest version ${version}`);
  const pieceLength = r.u32('piece length');
  checkPieceLength(pieceLength);
  const name = r.utf8(r.u16('name length'), 'name');
  const fileCount = r.u32('file count');
  checkFileCount(fileCount);
  const files: ManifestFile[] = [];
  for (let i = 0; i < fileCount; i++) {
    const path = r.utf8(r.u16('path length'), 'path');
    const size = r.u64('file size');
    const mime = r.ascii(r.u8('mime length'), 'mime');
    files.push({ path, size, mime });
  }
  const count = r.u32('piece count');
  const pieceHashes = r.bytes(count * HASH_BYTES, 'piece hashes').slice();
  if (r.remaining() !== 0) throw new ManifestError('not-canonical', `${r.remaining()} trailing bytes`);
  const manifest: Manifest = { name, pieceLength, files, pieceHashes };
  validateManifest(manifest);
  return manifest;
}

export async function swarmIdOf(encoded: Uint8Array): Promise<SwarmId> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', encoded.slice()));
  return encodeBase64url(digest);
}

/** True for exactly the 43-character strings `swarmIdOf` can produce (spare low bits zero). */
export function isSwarmId(s: string): boolean {
  return SWARM_ID_PATTERN.test(s);
}

/** Checks every rule the binary form promises; throws ManifestError. */
export function validateManifest(m: Manifest): void {
  checkPieceLength(m.pieceLength);
  checkSegment(m.name, 'name');
  checkFileCount(m.files.length);
  const paths = new Set<string>();
  let total = 0;
  for (let i = 0; i < m.files.length; i++) {
    const file = m.files[i];
    checkPath(file.path);
    if (i > 0 && !(m.files[i - 1].path < file.path)) {
      throw new ManifestError('not-canonical', `paths not strictly sorted at '${file.path}'`);
    }
    if (!Number.isSafeInteger(file.size) || file.size < 0) {
      throw new ManifestError('bad-field', `bad size ${file.size} for '${file.path}'`);
    }
    if (file.mime.length > MAX_MIME_BYTES || !MIME_PATTERN.test(file.mime)) {
      throw new ManifestError('bad-field', `bad mime '${file.mime}' for '${file.path}'`);
    }
    total += file.size;
    if (!Number.isSafeInteger(total)) throw new ManifestError('bad-field', 'total size overflows');
    paths.add(file.path);
  }
  checkNoFileIsAFolder(m.files, paths);
  if (total === 0) throw new ManifestError('bad-field', 'total size is zero');
  if (m.pieceHashes.byteLength % HASH_BYTES !== 0) {
    throw new ManifestError('bad-field', 'piece hashes are not a multiple of 32 bytes');
  }
  const expected = Math.ceil(total / m.pieceLength);
  if (pieceCount(m) !== expected) {
    throw new ManifestError('bad-field', `piece count ${pieceCount(m)}, expected ${expected}`);
  }
}

function checkPieceIndex(m: Manifest, index: number): void {
  if (!Number.isInteger(index) || index < 0 || index >= pieceCount(m)) {
    throw new RangeError(`piece index ${index} out of range 0..${pieceCount(m) - 1}`);
  }
}

function checkPieceLength(length: number): void {
  const powerOfTwo = Number.isInteger(length) && length > 0 && (length & (length - 1)) === 0;
  if (!powerOfTwo || length < MIN_PIECE_LENGTH || length > MAX_PIECE_LENGTH) {
    throw new ManifestError('bad-field', `piece length ${length} is not a power of two in 16 KiB..16 MiB`);
  }
}

function checkFileCount(count: number): void {
  if (count < 1 || count > MAX_FILES) throw new ManifestError('bad-field', `file count ${count}`);
}

function checkPath(path: string): void {
  if (utf8.encode(path).byteLength > MAX_PATH_BYTES) throw new ManifestError('bad-field', 'path too long');
  for (const segment of path.split('/')) checkSegment(segment, `path '${path}'`);
}

function checkSegment(segment: string, what: string): void {
  if (segment === '' || segment === '.' || segment === '..') {
    throw new ManifestError('bad-field', `${what}: empty, '.' or '..' segment`);
  }
  if (segment.includes('/') || segment.includes('\\') || CONTROL_CHARS.test(segment)) {
    throw new ManifestError('bad-field', `${what}: separator or control character`);
  }
  // Lone surrogates cannot round-trip through UTF-8.
  if (LONE_SURROGATE.test(segment)) throw new ManifestError('bad-field', `${what}: lone surrogate`);
  if (utf8.encode(segment).byteLength > MAX_SEGMENT_BYTES) {
    throw new ManifestError('bad-field', `${what}: segment longer than ${MAX_SEGMENT_BYTES} bytes`);
  }
}

/** 'a' and 'a/b' cannot both exist when the share is saved as a folder. */
function checkNoFileIsAFolder(files: ManifestFile[], paths: Set<string>): void {
  for (const file of files) {
    for (let slash = file.path.indexOf('/'); slash !== -1; slash = file.path.indexOf('/', slash + 1)) {
      const folder = file.path.slice(0, slash);
      if (paths.has(folder)) throw new ManifestError('bad-field', `'${folder}' is both a file and a folder`);
    }
  }
}

/** Bounds-checked little-endian reads: every read checks the remaining length first. */
class Reader {
  private at = 0;
  private readonly view: DataView;

  constructor(private readonly buf: Uint8Array) {
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  remaining(): number {
    return this.buf.byteLength - this.at;
  }

  bytes(length: number, what: string): Uint8Array {
    this.need(length, what);
    const out = this.buf.subarray(this.at, this.at + length);
    this.at += length;
    return out;
  }

  u8(what: string): number {
    this.need(1, what);
    return this.view.getUint8(this.at++);
  }

  u16(what: string): number {
    this.need(2, what);
    const v = this.view.getUint16(this.at, true);
    this.at += 2;
    return v;
  }

  u32(what: string): number {
    this.need(4, what);
    const v = this.view.getUint32(this.at, true);
    this.at += 4;
    return v;
  }

  u64(what: string): number {
    this.need(8, what);
    const v = this.view.getBigUint64(this.at, true);
    this.at += 8;
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new ManifestError('bad-field', `${what} ${v} too large`);
    return Number(v);
  }

  utf8(length: number, what: string): string {
    const raw = this.bytes(length, what);
    try {
      return strictUtf8.decode(raw);
    } catch (error) {
      throw new ManifestError('bad-field', `${what} is not valid UTF-8 (${String(error)})`);
    }
  }

  ascii(length: number, what: string): string {
    const raw = this.bytes(length, what);
    let text = '';
    for (const b of raw) {
      if (b > 0x7f) throw new ManifestError('bad-field', `${what} is not ASCII`);
      text += String.fromCharCode(b);
    }
    return text;
  }

  private need(length: number, what: string): void {
    if (length > this.remaining()) {
      throw new ManifestError('truncated', `${what}: need ${length} bytes at ${this.at}, have ${this.remaining()}`);
    }
  }
}
