import { readSharePiece } from './file-piece-reader.ts';
import type { PieceGeometry } from './piece-layout.ts';
import type { PieceReadReply, PieceReadRequest } from './piece-read-protocol.ts';
import { StorageError, type PieceIndex } from './piece-store.ts';
import { listenToWorker } from './worker-replies.ts';

/** Reads a seed's pieces, as the swarm carries them, from the dropped files. */
export interface PieceReader {
  read(index: PieceIndex): Promise<Uint8Array>;
  /** Releases what reading holds (in the worker: its files, and the worker itself after the last reader; pending reads are rejected). The owner reads no more. */
  close(): void;
}

export type OpenPieceReader = (files: readonly Blob[], geometry: PieceGeometry, pieceKey: CryptoKey | null) => PieceReader;

/** Reads on the calling thread. */
export const directPieceReader: OpenPieceReader = (files, geometry, pieceKey) => ({
  read: (index) => readSharePiece(files, geometry, index, pieceKey),
  close: () => undefined,
});

interface PendingRead {
  source: number;
  index: PieceIndex;
  resolve: (piece: Uint8Array) => void;
  reject: (error: unknown) => void;
}

/**
 * The one worker (`piece-read-worker.ts`) that reads for every share this
 * page seeds from files: started by the first reader, ended when the last
 * one closes, so seeding several shares costs one thread, not one each.
 * Each reader is a numbered source in it. If the worker fails, every
 * reader goes on reading on the page, and the next reader starts a new one.
 */
class ReadWorker {
  private readonly worker: Worker;
  private readonly readers = new Map<number, WorkerPieceReader>();
  private readonly pending = new Map<number, PendingRead>();
  private nextSource = 0;
  private nextId = 0;

  constructor(private readonly ended: (worker: ReadWorker) => void) {
    this.worker = new Worker(new URL('./piece-read-worker.ts', import.meta.url), { type: 'module' });
    listenToWorker<PieceReadReply>(this.worker, 'piece reader', (reply) => this.settle(reply), (why) => this.fail(why));
  }

  open(reader: WorkerPieceReader, files: readonly Blob[], geometry: PieceGeometry, pieceKey: CryptoKey | null): number {
    const source = this.nextSource++;
    this.readers.set(source, reader);
    this.post({
      type: 'open',
      source,
      files: [...files],
      pieceLength: geometry.pieceLength,
      fileSizes: geometry.files.map((f) => f.size),
      pieceKey,
    });
    return source;
  }

  read(source: number, index: PieceIndex): Promise<Uint8Array> {
    return new Promise((resolve, reject) => {
      const id = this.nextId++;
      this.pending.set(id, { source, index, resolve, reject });
      this.post({ type: 'read', source, id, index });
    });
  }

  /** The source's pending reads are rejected; the last source to close ends the worker. */
  close(source: number): void {
    this.readers.delete(source);
    for (const [id, read] of this.pending) {
      if (read.source !== source) continue;
      this.pending.delete(id);
      read.reject(new StorageError('unavailable', 'piece reader closed'));
    }
    if (this.readers.size > 0) {
      this.post({ type: 'close', source });
      return;
    }
    this.worker.terminate();
    this.ended(this);
  }

  private post(request: PieceReadRequest): void {
    this.worker.postMessage(request);
  }

  private settle(reply: PieceReadReply): void {
    const read = this.pending.get(reply.id);
    if (!read) return;
    this.pending.delete(reply.id);
    if (reply.type === 'piece') read.resolve(new Uint8Array(reply.bytes));
    else read.reject(new StorageError(reply.code, reply.message));
  }

  private fail(why: string): void {
    console.warn(`shoal: ${why}; reading pieces on the page`);
    this.worker.terminate();
    this.ended(this);
    for (const reader of this.readers.values()) reader.lostWorker();
    // A pending read's source is still open (closing one rejects its reads): its reader now reads on the page.
    for (const { source, index, resolve, reject } of this.pending.values()) this.readers.get(source)!.read(index).then(resolve, reject);
    this.readers.clear();
    this.pending.clear();
  }
}

let readWorker: ReadWorker | null = null;

function sharedReadWorker(): ReadWorker {
  return (readWorker ??= new ReadWorker((ended) => {
    if (readWorker === ended) readWorker = null;
  }));
}

/**
 * Reads in the page's piece-reading worker, which gets the File handles
 * once and sends each piece back transferred, so the page's main thread
 * neither slices, reads nor encrypts. If the worker fails, reads go on here.
 */
export class WorkerPieceReader implements PieceReader {
  private readonly direct: PieceReader;
  private inWorker: { worker: ReadWorker; source: number } | null;
  private closed = false;

  constructor(files: readonly Blob[], geometry: PieceGeometry, pieceKey: CryptoKey | null) {
    this.direct = directPieceReader(files, geometry, pieceKey);
    const worker = sharedReadWorker();
    this.inWorker = { worker, source: worker.open(this, files, geometry, pieceKey) };
  }

  read(index: PieceIndex): Promise<Uint8Array> {
    if (this.closed) return Promise.reject(new StorageError('unavailable', 'piece reader closed'));
    const inWorker = this.inWorker;
    return inWorker ? inWorker.worker.read(inWorker.source, index) : this.direct.read(index);
  }

  close(): void {
    this.closed = true;
    this.inWorker?.worker.close(this.inWorker.source);
    this.inWorker = null;
  }

  /** The worker failed: read on the page from now on. */
  lostWorker(): void {
    this.inWorker = null;
  }
}
