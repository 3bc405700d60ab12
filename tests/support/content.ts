import { createManifest, encodeManifest, swarmIdOf, type Manifest } from '../../src/chunks/manifest.ts';
import { MemoryPieceStore } from '../../src/chunks/memory-piece-store.ts';
import { sha256 } from '../../src/chunks/sha256.ts';

/** xorshift32: a tiny seeded generator, so failures reproduce. Returns u32 values. */
function xorshift32(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x;
  };
}

/** Deterministic pseudo-random bytes. */
export function seededBytes(length: number, seed: number): Uint8Array {
  const next = xorshift32(seed);
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = next() & 0xff;
  return out;
}

/** A deterministic stand-in for Math.random. */
export function seededRandom(seed: number): () => number {
  const next = xorshift32(seed);
  return () => next() / 0x1_0000_0000;
}

export interface Content {
  data: Uint8Array;
  manifest: Manifest;
  swarmId: string;
  pieces: Uint8Array[];
}

/** One file of `data`, split and hashed the way a share is. */
export async function makeContent(data: Uint8Array, pieceLength: number, name = 'data.bin'): Promise<Content> {
  const pieces: Uint8Array[] = [];
  for (let offset = 0; offset < data.byteLength; offset += pieceLength) {
    pieces.push(data.subarray(offset, offset + pieceLength));
  }
  const pieceHashes = new Uint8Array(pieces.length * 32);
  for (let i = 0; i < pieces.length; i++) pieceHashes.set(await sha256(pieces[i]), i * 32);
  const manifest = createManifest({
    name,
    files: [{ path: name, size: data.byteLength, mime: 'application/octet-stream' }],
    pieceLength,
    pieceHashes,
  });
  return { data, manifest, swarmId: await swarmIdOf(encodeManifest(manifest)), pieces };
}

export async function fullStore(content: Content): Promise<MemoryPieceStore> {
  const store = new MemoryPieceStore();
  for (let i = 0; i < content.pieces.length; i++) await store.put(i, content.pieces[i]);
  return store;
}

export function randomPeerIdFrom(random: () => number): string {
  let id = '';
  for (let i = 0; i < 32; i++) id += Math.floor(random() * 16).toString(16);
  return id;
}
