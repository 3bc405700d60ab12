import { setMany, type UseStore } from 'idb-keyval';
import type { PieceIndex } from './piece-store.ts';
import { relaxedStore } from './relaxed-store.ts';

/** The object store, in each swarm's piece database, that holds its pieces. */
export const PIECES_STORE = 'pieces';

/** Commits batches of pieces to swarms' piece databases. */
export interface PieceWriter {
  /**
   * Puts `pieces` into database `dbName` in one transaction and resolves
   * once it commits. The database must exist (its `IdbPieceStore` opened
   * it): a write never creates one, so none recreates a deleted swarm.
   * Rejects with what IndexedDB threw (e.g. a `QuotaExceededError`).
   */
  write(dbName: string, pieces: Array<[PieceIndex, Uint8Array<ArrayBuffer>]>): Promise<void>;
}

/** Writes on the calling thread, one connection per database, opened on first use. */
export function directPieceWriter(): PieceWriter {
  const stores = new Map<string, UseStore>();
  return {
    write(dbName, pieces) {
      let store = stores.get(dbName);
      if (!store) stores.set(dbName, (store = relaxedStore(dbName, PIECES_STORE, { ifExists: true })));
      return setMany(pieces, store);
    },
  };
}
