import { clear, get, keys, set, setMany, type UseStore } from 'idb-keyval';
import { ownBuffer } from './own-buffer.ts';
import { PIECES_STORE } from './piece-writer.ts';
import { relaxedStore } from './relaxed-store.ts';
import { sharedPieceWriter } from './worker-piece-writer.ts';
import { StorageError, checkPieceIndex, type PieceIndex, type PieceStore } from './piece-store.ts';

export interface IdbPieceStoreOptions {
  /**
   * Test hook, asked before every write: true makes the write fail the way a
   * full disk does (a `QuotaExceededError` DOMException), through the same
   * error path as the real thing.
   */
  simulateFull?: () => boolean;
}

interface PendingWrite {
  index: PieceIndex;
  bytes: Uint8Array<ArrayBuffer>;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Bytes one write transaction takes at most (it always takes one piece).
 * `put` clones every value on the page's main thread, so an unbounded batch
 * (a seed copying 8 MiB into the library at once) was a 200–300 ms task in
 * the middle of serving, and it delayed the first piece a downloader got.
 */
const MAX_TRANSACTION_BYTES = 1024 * 1024;

/** How many of the queued writes, of these sizes in order, go in the next transaction: at least one, then up to `maxBytes`. */
export function batchLength(sizes: readonly number[], maxBytes: number): number {
  let bytes = sizes[0] ?? 0;
  let count = Math.min(1, sizes.length);
  while (count < sizes.length && bytes + sizes[count] <= maxBytes) bytes += sizes[count++];
  return count;
}

/**
 * The key under which a share made in this browser keeps its files, in place
 * of pieces (see `IdbPieceStore.keepFiles`); piece keys are numbers.
 */
const FILES_KEY = 'files';

/** The database holding one swarm's pieces; deleting a swarm deletes exactly this. */
export function pieceDbName(swarmId: string): string {
  return 'shoal-' + swarmId;
}

/**
 * A swarm's verified pieces in IndexedDB: one database per swarm
 * (`shoal-<swarm id>`), store `pieces`, key = piece index, value = the
 * piece's bytes. Its key set is the swarm's persisted bitfield, which is what
 * makes resume work.
 *
 * Writes are group-committed: while one transaction is in flight, further
 * pieces queue up and go together in the next one, so a fast network costs a
 * transaction per batch rather than per piece. `put` resolves only once its
 * piece is committed, so the swarm never announces a piece a crashed tab
 * could lose (commits are relaxed: see `relaxedStore`). Batches after the
 * first are committed by the page's piece-writing worker (`sharedPieceWriter`).
 *
 * A share made in this browser keeps its files instead (`keepFiles`).
 */
export class IdbPieceStore implements PieceStore {
  readonly dbName: string;
  private readonly store: UseStore;
  /**
   * The first batch went in through this page's own connection, which opens
   * (and creates) the database the writer writes into. The writer's worker
   * would have to start and open the database first, 100 ms and more on a
   * page still booting, and the first piece is the one a downloader is
   * waiting for; the worker starts with the second batch.
   */
  private created = false;
  private queue: PendingWrite[] = [];
  private writing = false;
  private destroyed = false;

  constructor(
    swarmId: string,
    private readonly opts: IdbPieceStoreOptions = {},
  ) {
    this.dbName = pieceDbName(swarmId);
    this.store = relaxedStore(this.dbName, PIECES_STORE);
  }

  async get(index: PieceIndex): Promise<Uint8Array | undefined> {
    checkPieceIndex(index);
    const value = await this.run(`read piece ${index}`, () => get<unknown>(index, this.store));
    if (value === undefined || value instanceof Uint8Array) return value;
    throw new StorageError('corrupt', `piece ${index} is stored as ${Object.prototype.toString.call(value)}`);
  }

  put(index: PieceIndex, bytes: Uint8Array): Promise<void> {
    checkPieceIndex(index);
    if (this.destroyed) return Promise.reject(new StorageError('unavailable', `write piece ${index}: store destroyed`));
    // Structured clone copies a view's whole underlying buffer, so store only the piece.
    const value = ownBuffer(bytes);
    return new Promise((resolve, reject) => {
      this.queue.push({ index, bytes: value, resolve, reject });
      if (!this.writing) void this.drain();
    });
  }

  /**
   * Keeps a share's files (in manifest order) in the database, in one put:
   * the browser copies each file into its own storage without the page
   * reading a byte (64 MiB: 40 ms and 0.05 CPU s here, against 1.6 s and
   * 1.6 CPU s to put the same bytes as pieces). The share can then be
   * seeded after a restart from the kept files, as from the dropped ones.
   */
  async keepFiles(files: readonly Blob[]): Promise<void> {
    await this.run('keep the shared files', async () => {
      this.failIfSimulatedFull();
      await set(FILES_KEY, [...files], this.store);
    });
  }

  /** The files `keepFiles` kept, or undefined when this swarm's pieces are stored as pieces. */
  async keptFiles(): Promise<Blob[] | undefined> {
    const value = await this.run('read the kept files', () => get<unknown>(FILES_KEY, this.store));
    if (value === undefined) return undefined;
    if (Array.isArray(value) && value.every((file) => file instanceof Blob)) return value as Blob[];
    throw new StorageError('corrupt', `kept files of ${this.dbName} are stored as ${Object.prototype.toString.call(value)}`);
  }

  async indices(): Promise<PieceIndex[]> {
    const stored = await this.run('list pieces', () => keys(this.store));
    const indices: PieceIndex[] = [];
    for (const key of stored) {
      if (key === FILES_KEY) continue;
      if (typeof key !== 'number' || !Number.isSafeInteger(key) || key < 0) {
        throw new StorageError('corrupt', `unexpected key ${String(key)} in ${this.dbName}`);
      }
      indices.push(key);
    }
    return indices.sort((a, b) => a - b);
  }

  async destroy(): Promise<void> {
    if (this.destroyed) return;
    await this.run('clear pieces', () => clear(this.store));
    // Our own open connection would block the deletion too.
    await this.run('close database', () => this.store('readonly', (s) => s.transaction.db.close()));
    this.destroyed = true;
    for (const write of this.queue.splice(0)) write.reject(new StorageError('unavailable', 'store destroyed'));
    await deletePieceDatabase(this.dbName);
  }

  /** Commits queued pieces, one transaction per batch of at most MAX_TRANSACTION_BYTES, until the queue is empty. */
  private async drain(): Promise<void> {
    this.writing = true;
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, batchLength(this.queue.map((w) => w.bytes.byteLength), MAX_TRANSACTION_BYTES));
      const what = `write pieces ${batch.map((w) => w.index).join(',')}`;
      try {
        await this.run(what, async () => {
          this.failIfSimulatedFull();
          const pieces = batch.map((w): [number, Uint8Array<ArrayBuffer>] => [w.index, w.bytes]);
          if (this.created) return sharedPieceWriter().write(this.dbName, pieces);
          await setMany(pieces, this.store);
          this.created = true;
        });
        for (const write of batch) write.resolve();
      } catch (error) {
        for (const write of batch) write.reject(error);
      }
    }
    this.writing = false;
  }

  private failIfSimulatedFull(): void {
    if (this.opts.simulateFull?.()) throw new DOMException('simulated full store (test hook)', 'QuotaExceededError');
  }

  private async run<T>(what: string, op: () => Promise<T>): Promise<T> {
    if (this.destroyed) throw new StorageError('unavailable', `${what}: store destroyed`);
    try {
      return await op();
    } catch (error) {
      throw toStorageError(what, error);
    }
  }
}

/**
 * Deletes a swarm's piece database. A connection that ignores versionchange
 * still holds it; the browser deletes it once that connection closes.
 */
export function deletePieceDatabase(dbName: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const request = indexedDB.deleteDatabase(dbName);
    request.onsuccess = () => resolve();
    request.onerror = () =>
      reject(new StorageError('unavailable', `could not delete ${dbName}`, { cause: request.error }));
    request.onblocked = () => resolve();
  });
}

export function toStorageError(what: string, error: unknown): StorageError {
  if (error instanceof StorageError) return error;
  const name = (error as { name?: unknown } | null)?.name;
  const code = name === 'QuotaExceededError' ? 'quota-exceeded' : 'unavailable';
  return new StorageError(code, `${what}: ${String(error)}`, { cause: error });
}
