import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { readPiece } from '../../src/chunks/file-piece-reader.ts';
import { FilePieceStore } from '../../src/chunks/file-piece-store.ts';
import { createManifest, pieceCount, type Manifest } from '../../src/chunks/manifest.ts';
import { MemoryPieceStore } from '../../src/chunks/memory-piece-store.ts';
import { shareName } from '../../src/chunks/piece-hasher.ts';
import { StorageError } from '../../src/chunks/piece-store.ts';
import { ReadError, fileStream, readFileRange, storedPieces } from '../../src/chunks/plain-reader.ts';
import { publicContent, type Listing } from '../../src/chunks/share-access.ts';
import { bytesEqual, sha256 } from '../../src/chunks/sha256.ts';
import { seededBytes } from '../support/content.ts';
import { concatChunks } from '../support/plain-read.ts';

const P = 16 * 1024;

/** Three files concatenated into `data`, with an empty file in the middle. */
function fixture(): { data: Uint8Array; blobs: Blob[]; manifest: Manifest } {
  const sizes = [P + 300, 0, 700, 2 * P + 5];
  const data = seededBytes(sizes.reduce((a, b) => a + b, 0), 42);
  const blobs: Blob[] = [];
  let at = 0;
  for (const size of sizes) {
    blobs.push(new Blob([data.slice(at, at + size)]));
    at += size;
  }
  const manifest = createManifest({
    name: 'x',
    files: sizes.map((size, i) => ({ path: `d/f${i}`, size, mime: i === 2 ? 'text/plain' : 'application/octet-stream' })),
    pieceLength: P,
    pieceHashes: new Uint8Array(Math.ceil(data.byteLength / P) * 32),
  });
  return { data, blobs, manifest };
}

async function storeWithAllPieces(data: Uint8Array, m: Manifest): Promise<MemoryPieceStore> {
  const store = new MemoryPieceStore();
  for (let i = 0; i < pieceCount(m); i++) await store.put(i, data.subarray(i * P, (i + 1) * P));
  return store;
}

describe('reading pieces from dropped files', () => {
  it('reads every piece, across file boundaries, as the concatenation of the files', async () => {
    const { data, blobs, manifest } = fixture();
    for (let i = 0; i < pieceCount(manifest); i++) {
      expect(await readPiece(blobs, manifest, i)).toEqual(data.subarray(i * P, (i + 1) * P));
    }
  });

  it('refuses a file list that does not match the manifest', async () => {
    const { blobs, manifest } = fixture();
    await expect(readPiece(blobs.slice(1), manifest, 0)).rejects.toThrow(StorageError);
    const changed = [...blobs];
    changed[0] = new Blob([new Uint8Array(10)]);
    await expect(readPiece(changed, manifest, 0)).rejects.toMatchObject({ code: 'unavailable' });
  });

  it('FilePieceStore serves every piece and refuses writes', async () => {
    const { data, blobs, manifest } = fixture();
    const store = new FilePieceStore(blobs, publicContent(manifest));
    expect(await store.indices()).toEqual([0, 1, 2, 3]);
    expect(await store.get(3)).toEqual(data.subarray(3 * P));
    expect(await store.get(4)).toBeUndefined();
    await expect(store.put(0, new Uint8Array(1))).rejects.toMatchObject({ code: 'unavailable' });
    await store.destroy();
    expect(await store.indices()).toEqual([]);
    await expect(store.get(0)).rejects.toThrow(StorageError);
    expect(() => new FilePieceStore(blobs.slice(1), publicContent(manifest))).toThrow(RangeError);
  });
});

/** A public share's listing is its manifest's files in the manifest's layout. */
const listingOf = (manifest: Manifest): Listing => publicContent(manifest).listing as Listing;

describe('reading files from stored pieces', () => {
  it('streams each file exactly, one chunk per piece it touches', async () => {
    const { data, manifest } = fixture();
    const pieces = storedPieces(await storeWithAllPieces(data, manifest));
    let at = 0;
    for (let f = 0; f < manifest.files.length; f++) {
      const size = manifest.files[f].size;
      const bytes = new Uint8Array(await new Response(fileStream(listingOf(manifest), f, pieces)).arrayBuffer());
      expect(bytes).toEqual(data.subarray(at, at + size));
      at += size;
    }
  });

  it('reads any byte range of a file, across piece boundaries', async () => {
    const { data, manifest } = fixture();
    const pieces = storedPieces(await storeWithAllPieces(data, manifest));
    const fileStart = manifest.files[0].size + manifest.files[1].size + manifest.files[2].size;
    for (const [start, end] of [[0, 1], [P - 1000, P + 10], [5, 2 * P + 5], [2 * P + 4, 2 * P + 5], [7, 7]]) {
      const bytes = await concatChunks(readFileRange(listingOf(manifest), 3, { start, end }, pieces));
      expect(bytes).toEqual(data.subarray(fileStart + start, fileStart + end));
    }
  });

  it('asks only for the pieces the range touches', async () => {
    const { data, manifest } = fixture();
    const stored = storedPieces(await storeWithAllPieces(data, manifest));
    const asked: number[] = [];
    await concatChunks(readFileRange(listingOf(manifest), 3, { start: P + 100, end: P + 200 }, (i) => (asked.push(i), stored(i))));
    expect(asked).toEqual([2]);
  });

  it('refuses a range outside the file', async () => {
    const { data, manifest } = fixture();
    const pieces = storedPieces(await storeWithAllPieces(data, manifest));
    for (const [start, end] of [[-1, 3], [0, 701], [5, 4], [0.5, 3]]) {
      await expect(concatChunks(readFileRange(listingOf(manifest), 2, { start, end }, pieces))).rejects.toMatchObject({ code: 'bad-range' });
    }
    await expect(concatChunks(readFileRange(listingOf(manifest), 9, { start: 0, end: 0 }, pieces))).rejects.toMatchObject({ code: 'bad-range' });
  });

  it('fails with ReadError("incomplete") when a piece is missing or short', async () => {
    const { data, manifest } = fixture();
    const store = await storeWithAllPieces(data, manifest);
    const missing = new MemoryPieceStore();
    await missing.put(0, (await store.get(0))!);
    const pieces = storedPieces(missing);
    await expect(new Response(fileStream(listingOf(manifest), 3, pieces)).arrayBuffer()).rejects.toMatchObject({ code: 'incomplete' });
    await missing.put(1, new Uint8Array(5));
    const error = await new Response(fileStream(listingOf(manifest), 2, pieces)).arrayBuffer().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ReadError);
    expect((error as ReadError).code).toBe('incomplete');
  });
});

describe('share names', () => {
  it('uses the file name, the common top folder, or a count', () => {
    expect(shareName(['a.txt'])).toBe('a.txt');
    expect(shareName(['photos/2024/a.jpg'])).toBe('a.jpg');
    expect(shareName(['photos/a.jpg', 'photos/b/c.jpg'])).toBe('photos');
    expect(shareName(['photos/a.jpg', 'videos/b.mp4'])).toBe('2 files');
    expect(shareName(['a.txt', 'b.txt', 'c.txt'])).toBe('3 files');
    expect(shareName(['photos', 'photos2/x'])).toBe('2 files');
  });
});

describe('sha256', () => {
  afterEach(() => vi.unstubAllGlobals());
  const input = seededBytes(100_000, 3);
  const expected = new Uint8Array(createHash('sha256').update(input).digest());

  it('hashes with WebCrypto', async () => {
    expect(await sha256(input)).toEqual(expected);
    expect(await sha256(input.subarray(10, 20))).toEqual(new Uint8Array(createHash('sha256').update(input.subarray(10, 20)).digest()));
  });

  it('falls back to hash-wasm where WebCrypto is missing (insecure contexts)', async () => {
    vi.stubGlobal('crypto', {});
    expect(globalThis.crypto.subtle).toBeUndefined();
    const [a, b] = await Promise.all([sha256(input), sha256(new Uint8Array(0))]);
    expect(a).toEqual(expected);
    expect(b).toEqual(new Uint8Array(createHash('sha256').digest()));
  });

  it('compares bytes', () => {
    expect(bytesEqual(new Uint8Array([1, 2]), new Uint8Array([1, 2]))).toBe(true);
    expect(bytesEqual(new Uint8Array([1, 2]), new Uint8Array([1, 3]))).toBe(false);
    expect(bytesEqual(new Uint8Array([1]), new Uint8Array([1, 0]))).toBe(false);
  });
});
