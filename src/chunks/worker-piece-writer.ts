import { BufferPool } from '../swarm/buffer-pool.ts';
import type { PieceWriteReply, PieceWriteRequest } from './piece-write-protocol.ts';
import type { PieceIndex } from './piece-store.ts';
import { directPieceWriter, type PieceWriter } from './piece-writer.ts';
import { listenToWorker } from './worker-replies.ts';

/** Buffers kept for the copies sent to the worker: a few transactions' worth. */
const MAX_SPARE_BYTES = 4 * 1024 * 1024;

interface PendingWrite {
  dbName: string;
  pieces: Array<[PieceIndex, Uint8Array<ArrayBuffer>]>;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Writes in the page's piece-writing worker (`piece-write-worker.ts`), so
 * the synchronous Blob registration IndexedDB makes for every piece blocks
 * that thread, not the page's. The caller keeps its buffers: each piece is
 * copied into a spare buffer that goes to the worker and comes back
 * (transferred both ways), so a piece is copied once on the page, as
 * IndexedDB did here before, and into warm memory. If the worker fails,
 * writes go on on the page, those it had not answered included (putting a
 * piece again is harmless).
 */
class WorkerPieceWriter implements PieceWriter {
  private worker: Worker | null;
  private readonly onPage = directPieceWriter();
  private readonly pending = new Map<number, PendingWrite>();
  private readonly spare = new BufferPool(MAX_SPARE_BYTES);
  private nextId = 0;

  constructor() {
    this.worker = new Worker(new URL('./piece-write-worker.ts', import.meta.url), { type: 'module' });
    listenToWorker<PieceWriteReply>(this.worker, 'piece writer', (reply) => this.settle(reply), (why) => this.fail(why));
  }

  write(dbName: string, pieces: Array<[PieceIndex, Uint8Array<ArrayBuffer>]>): Promise<void> {
    const worker = this.worker;
    if (!worker) return this.onPage.write(dbName, pieces);
    return new Promise((resolve, reject) => {
      const id = this.nextId++;
      this.pending.set(id, { dbName, pieces, resolve, reject });
      const copies = pieces.map(([index, bytes]): [PieceIndex, Uint8Array<ArrayBuffer>] => {
        const copy = this.spare.take(bytes.byteLength) as Uint8Array<ArrayBuffer>;
        copy.set(bytes);
        return [index, copy];
      });
      const request: PieceWriteRequest = { id, dbName, pieces: copies };
      worker.postMessage(request, copies.map(([, copy]) => copy.buffer));
    });
  }

  private settle(reply: PieceWriteReply): void {
    for (const buffer of reply.buffers) this.spare.give(new Uint8Array(buffer));
    const write = this.pending.get(reply.id);
    if (!write) return;
    this.pending.delete(reply.id);
    if (reply.type === 'written') write.resolve();
    else write.reject(new DOMException(reply.message, reply.name));
  }

  private fail(why: string): void {
    console.warn(`shoal: ${why}; writing pieces on the page`);
    this.worker?.terminate();
    this.worker = null;
    for (const { dbName, pieces, resolve, reject } of this.pending.values()) this.onPage.write(dbName, pieces).then(resolve, reject);
    this.pending.clear();
  }
}

let shared: PieceWriter | null = null;

/** The page's one piece writer: in a worker where there are workers. */
export function sharedPieceWriter(): PieceWriter {
  return (shared ??= typeof Worker === 'function' ? new WorkerPieceWriter() : directPieceWriter());
}
