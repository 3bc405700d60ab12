import type { HashBenchReply, HashBenchRequest, HashImpl } from './hash-protocol.ts';

/** SHA-256 throughput in a Web Worker: hash-wasm against WebCrypto. */

const worker = new Worker(new URL('./hash-bench-worker.ts', import.meta.url), { type: 'module' });
const pending = new Map<number, { resolve: (ms: number) => void; reject: (error: Error) => void }>();
let nextId = 1;

worker.onmessage = (event: MessageEvent<HashBenchReply>) => {
  const reply = event.data;
  const waiter = pending.get(reply.id);
  pending.delete(reply.id);
  if (reply.ok) waiter?.resolve(reply.ms);
  else waiter?.reject(new Error(reply.message));
};
worker.onerror = (event) => {
  for (const waiter of pending.values()) waiter.reject(new Error(`hash bench worker failed: ${event.message}`));
  pending.clear();
};

const hashBench = {
  /** Milliseconds the worker took to hash `totalBytes` in pieces of `pieceBytes`. */
  run(impl: HashImpl, pieceBytes: number, totalBytes: number): Promise<number> {
    const request: HashBenchRequest = { id: nextId++, impl, pieceBytes, totalBytes };
    return new Promise((resolve, reject) => {
      pending.set(request.id, { resolve, reject });
      worker.postMessage(request);
    });
  },
};

declare global {
  interface Window {
    hashBench: typeof hashBench;
  }
}
window.hashBench = hashBench;
