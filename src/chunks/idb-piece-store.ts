import { clear, createStore, get, keys, set, type UseStore } from 'idb-keyval';
import { StorageError, checkPieceIndex, type PieceIndex, type PieceStore } from './piece-store.ts';

/**
 * A download's verified pieces in IndexedDB: one database per swarm
 * (`shoal-<swarm id>`), store `pieces`, key = piece index, value = the
 * piece's bytes. Surviving reloads is what makes resume work.
 */
export class IdbPieceStore implements PieceStore {
  readonly dbName: string;
  private readonly store: UseStore;
  private destroyed = false;

  constructor(swarmId: string) {
    this.dbName = 'shoal-' + swarmId;
    const base = createStore(this.dbName, 'pieces');
    // idb-keyval never closes its connection, and an open connection blocks
    // deleteDatabase forever (another store for this swarm, or another tab):
    // give way, and let later calls here fail as 'unavailable'.
    this.store = (mode, callback) =>
      base(mode, (objectStore) => {
        const db = objectStore.transaction.db;
        db.onversionchange ??= () => db.close();
        return callback(objectStore);
      });
  }

  async get(index: PieceIndex): Promise<Uint8Array | undefined> {
    checkPieceIndex(index);
    const value = await this.run(`read piece ${index}`, () => get<unknown>(index, this.store));
    if (value === undefined || value instanceof Uint8Array) return value;
    throw new StorageError('corrupt', `piece ${index} is stored as ${Object.prototype.toString.call(value)}`);
  }

  async put(index: PieceIndex, bytes: Uint8Array): Promise<void> {
    checkPieceIndex(index);
    // Structured clone copies a view's whole underlying buffer, so store only the piece.
    const whole = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
    const value = whole ? bytes : bytes.slice();
    await this.run(`write piece ${index}`, () => set(index, value, this.store));
  }

  async indices(): Promise<PieceIndex[]> {
    const stored = await this.run('list pieces', () => keys(this.store));
    const indices: PieceIndex[] = [];
    for (const key of stored) {
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
    await new Promise<void>((resolve, reject) => {
      const request = indexedDB.deleteDatabase(this.dbName);
      request.onsuccess = () => resolve();
      request.onerror = () =>
        reject(new StorageError('unavailable', `could not delete ${this.dbName}`, { cause: request.error }));
      // A connection that ignores versionchange still holds it; the browser deletes it once that
      // connection closes, and the pieces are already cleared.
      request.onblocked = () => resolve();
    });
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

function toStorageError(what: string, error: unknown): StorageError {
  if (error instanceof StorageError) return error;
  const name = (error as { name?: unknown } | null)?.name;
  const code = name === 'QuotaExceededError' ? 'quota-exceeded' : 'unavailable';
  return new StorageError(code, `${what}: ${String(error)}`, { cause: error });
}
