import { readPiece } from '../../src/chunks/file-piece-reader.ts';
import { sealPrivateShare, type OpenedShare } from '../../src/chunks/manifest-cipher.ts';
import type { Manifest, ManifestFile } from '../../src/chunks/manifest.ts';
import { decryptPiece, encryptPiece, plainPieceLength } from '../../src/chunks/piece-cipher.ts';
import { fileSpans, layoutPieceCount } from '../../src/chunks/piece-layout.ts';
import { sha256 } from '../../src/chunks/sha256.ts';
import type { ShareKeys } from '../../src/chunks/share-key.ts';
import { seededBytes } from '../support/content.ts';

/** Shared by the private-share tests: a sharer's files and the pipeline that encrypts them. */

export const CIPHER_PIECE = 16 * 1024;

export interface SourceFile {
  path: string;
  mime: string;
  bytes: Uint8Array;
}

export const SOURCE: SourceFile[] = [
  { path: 'Secret Plans/budget.xlsx', mime: 'application/vnd.ms-excel', bytes: seededBytes(40_000, 5) },
  { path: 'notes.txt', mime: 'text/plain', bytes: new TextEncoder().encode('PLAINTEXT-MARKER '.repeat(300)) },
  { path: 'empty.txt', mime: 'text/plain', bytes: new Uint8Array(0) },
];

export interface BuiltShare {
  outer: Manifest;
  envelope: Uint8Array;
  cipherPieces: Uint8Array[];
  listing: ManifestFile[];
}

/** What the sharer's pipeline will do: read plaintext pieces, encrypt, hash the ciphertext, seal. */
export async function buildShare(keys: ShareKeys, source: SourceFile[], name = 'Quarterly Secrets'): Promise<BuiltShare> {
  const sorted = [...source].sort((a, b) => (a.path < b.path ? -1 : 1));
  const listing = sorted.map((f) => ({ path: f.path, size: f.bytes.byteLength, mime: f.mime }));
  const geometry = { pieceLength: plainPieceLength(CIPHER_PIECE), files: listing };
  const blobs = sorted.map((f) => new Blob([f.bytes.slice()]));
  const count = layoutPieceCount(geometry);
  const cipherPieces: Uint8Array[] = [];
  const hashes = new Uint8Array(32 * count);
  for (let i = 0; i < count; i++) {
    const sealed = await encryptPiece(keys.pieceKey, i, await readPiece(blobs, geometry, i));
    cipherPieces.push(sealed);
    hashes.set(await sha256(sealed), 32 * i);
  }
  const { outer, envelope } = await sealPrivateShare(keys, {
    name,
    files: listing,
    cipherPieceLength: CIPHER_PIECE,
    cipherPieceHashes: hashes,
  });
  return { outer, envelope, cipherPieces, listing };
}

/** What saving will do: decrypt each piece and cut the plaintext into files; path → bytes. */
export async function decryptFiles(
  keys: ShareKeys,
  opened: OpenedShare,
  cipherPieces: Uint8Array[],
): Promise<Map<string, Uint8Array>> {
  const plain = await Promise.all(cipherPieces.map((c, i) => decryptPiece(keys.pieceKey, i, c)));
  const files = new Map<string, Uint8Array>();
  for (const [fileIndex, file] of opened.files.entries()) {
    const parts = fileSpans(opened.plainGeometry, fileIndex).map((s) =>
      plain[s.pieceIndex].subarray(s.pieceOffset, s.pieceOffset + s.length),
    );
    files.set(file.path, new Uint8Array(Buffer.concat(parts)));
  }
  return files;
}
