import { createSHA256, type IHasher } from 'hash-wasm';
import type { HashBenchReply, HashBenchRequest, HashImpl } from './hash-protocol.ts';

/**
 * Hashes `totalBytes` as consecutive pieces, one after another, the way the
 * app's hash worker does. The pieces are cut from a 32 MiB pool of random
 * bytes, larger than the CPU caches, so a 1 MiB piece is not hashed hot from
 * cache every time.
 */

const POOL_BYTES = 32 * 1024 * 1024;
const pool = new Uint8Array(POOL_BYTES);
for (let i = 0; i < POOL_BYTES; i += 65536) crypto.getRandomValues(pool.subarray(i, i + 65536));

let wasm: IHasher | null = null;

async function hashOne(impl: HashImpl, piece: Uint8Array<ArrayBuffer>): Promise<void> {
  if (impl === 'webcrypto') {
    await crypto.subtle.digest('SHA-256', piece);
    return;
  }
  wasm ??= await createSHA256();
  wasm.init();
  wasm.update(piece);
  wasm.digest('binary');
}

async function run({ impl, pieceBytes, totalBytes }: HashBenchRequest): Promise<number> {
  await hashOne(impl, pool.subarray(0, pieceBytes)); // instantiate wasm / warm the path outside the timing
  const started = performance.now();
  let offset = 0;
  for (let done = 0; done < totalBytes; done += pieceBytes) {
    if (offset + pieceBytes > POOL_BYTES) offset = 0;
    await hashOne(impl, pool.subarray(offset, offset + pieceBytes));
    offset += pieceBytes;
  }
  return performance.now() - started;
}

const scope = globalThis as unknown as {
  onmessage: ((event: MessageEvent<HashBenchRequest>) => void) | null;
  postMessage(reply: HashBenchReply): void;
};

scope.onmessage = (event) => {
  const { id } = event.data;
  run(event.data).then(
    (ms) => scope.postMessage({ id, ok: true, ms }),
    (error: unknown) => scope.postMessage({ id, ok: false, message: String(error) }),
  );
};
