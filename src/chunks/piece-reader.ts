import { readSharePiece } from './file-piece-reader.ts';
import type { PieceGeometry } from './piece-layout.ts';
import type { PieceReadReply, PieceReadRequest } from './piece-read-protocol.ts';
import { StorageError, type PieceIndex } from './piece-store.ts';

/** Reads a seed's pieces, as the swarm carries them, from the dropped files. */
export interface PieceReader {
  read(index: PieceIndex): Promise<Uint8Array>;
  /** Releases what reading holds (a worker: ended, its pending reads rejected). The owner reads no more. */
  close(): void;
}

export type OpenPieceReader = (files: readonly Blob[], geometry: PieceGeometry, pieceKey: CryptoKey | null) => PieceReader;

/** Reads on the calling thread. */
export const directPieceReader: OpenPieceReader = (files, geometry, pieceKey) => ({
  read: (index) => readSharePiece(files, geometry, index, pieceKey),
  close: () => undefined,
});

interface PendingRead {
  index: PieceIndex;
  resolve: (piece: Uint8Array) => void;
  reject: (error: unknown) => void;
}

/**
 * Reads in a worker (`piece-read-worker.ts`), which gets the File handles
 * once and sends each piece back transferred, so the page's main thread
 * neither slices, reads nor encrypts. If the worker fails, reads go on here.
 */
export class WorkerPieceReader implements PieceReader {
  private worker: Worker | null;
  private readonly pending = new Map<number, PendingRead>();
  private nextId = 0;
  private readonly direct: PieceReader;
  private closed = false;

  constructor(files: readonly Blob[], geometry: PieceGeometry, pieceKey: CryptoKey | null) {
    this.direct = directPieceReader(files, geometry, pieceKey);
    const worker = new Worker(new URL('./piece-read-worker.ts', import.meta.url), { type: 'module' });
    worker.onmessage = (event: MessageEvent<PieceReadReply>) => this.settle(event.data);
    worker.onerror = (event) => {
      event.preventDefault();
      this.fallBack(`piece reader failed: ${event.message}`);
    };
    worker.onmessageerror = () => this.fallBack('unreadable message from the piece reader');
    const open: PieceReadRequest = {
      type: 'open',
      files: [...files],
      pieceLength: geometry.pieceLength,
      fileSizes: geometry.files.map((f) => f.size),
      pieceKey,
    };
    worker.postMessage(open);
    this.worker = worker;
  }

  read(index: PieceIndex): Promise<Uint8Array> {
    if (this.closed) return Promise.reject(new StorageError('unavailable', 'piece reader closed'));
    const worker = this.worker;
    if (!worker) return this.direct.read(index);
    return new Promise((resolve, reject) => {
      const id = this.nextId++;
      this.pending.set(id, { index, resolve, reject });
      const request: PieceReadRequest = { type: 'read', id, index };
      worker.postMessage(request);
    });
  }

  close(): void {
    this.closed = true;
    this.worker?.terminate();
    this.worker = null;
    for (const { reject } of this.pending.values()) reject(new StorageError('unavailable', 'piece reader closed'));
    this.pending.clear();
  }

  private settle(reply: PieceReadReply): void {
    const read = this.pending.get(reply.id);
    if (!read) return;
    this.pending.delete(reply.id);
    if (reply.type === 'piece') read.resolve(new Uint8Array(reply.bytes));
    else read.reject(new StorageError(reply.code, reply.message));
  }

  private fallBack(why: string): void {
    console.warn(`shoal: ${why}; reading pieces on the page`);
    this.worker?.terminate();
    this.worker = null;
    for (const { index, resolve, reject } of this.pending.values()) this.direct.read(index).then(resolve, reject);
    this.pending.clear();
  }
}
