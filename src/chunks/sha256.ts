import type { IHasher } from 'hash-wasm';

export const SHA256_BYTES = 32;

// One wasm instance is enough: init/update/digest run in one synchronous
// stretch, so interleaved async callers never share its state.
let wasmHasher: Promise<IHasher> | null = null;

/**
 * SHA-256 via WebCrypto (~1.6 GB/s here), which only exists in secure
 * contexts; plain-http pages on a LAN address fall back to hash-wasm.
 */
export async function sha256(bytes: Uint8Array): Promise<Uint8Array> {
  const subtle = globalThis.crypto?.subtle;
  if (subtle) return new Uint8Array(await subtle.digest('SHA-256', asArrayBufferView(bytes)));
  // Loaded only when needed, so secure pages never download or compile it.
  wasmHasher ??= import('hash-wasm')
    .then(({ createSHA256 }) => createSHA256())
    .catch((error: unknown) => {
      // Not for good: a page that could not fetch the module (offline, no cache yet) tries again next time.
      wasmHasher = null;
      throw error;
    });
  const hasher = await wasmHasher;
  hasher.init();
  hasher.update(bytes);
  return hasher.digest('binary');
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false;
  for (let i = 0; i < a.byteLength; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** WebCrypto refuses views of a SharedArrayBuffer; copy only in that rare case. */
function asArrayBufferView(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return bytes.buffer instanceof ArrayBuffer ? (bytes as Uint8Array<ArrayBuffer>) : new Uint8Array(bytes);
}
