import { createStore, del, get, set, values, type UseStore } from 'idb-keyval';
import { toStorageError } from './idb-piece-store.ts';
import { LibraryError, openLibraryRecord, type LibraryEntry, type LibraryRecord } from './library-record.ts';
import type { SwarmId } from './manifest.ts';

export const LIBRARY_DB = 'shoal-library';

/**
 * Every swarm this browser holds, one record per swarm in the `shoal-library`
 * database (store `items`, key = swarm id). Records are small; the pieces
 * live in each swarm's own database (see IdbPieceStore).
 */
export class LibraryStore {
  private readonly store: UseStore = createStore(LIBRARY_DB, 'items');

  /** Every readable entry. A corrupt record is reported and skipped, never fatal for the rest. */
  async list(): Promise<LibraryEntry[]> {
    const stored = await this.run('list library', () => values<unknown>(this.store));
    const entries: LibraryEntry[] = [];
    for (const value of stored) {
      try {
        entries.push(await openLibraryRecord(value));
      } catch (error) {
        if (!(error instanceof LibraryError)) throw error;
        console.warn('shoal: skipping unreadable library record', error);
      }
    }
    return entries;
  }

  async get(swarmId: SwarmId): Promise<LibraryEntry | undefined> {
    const value = await this.run(`read ${swarmId}`, () => get<unknown>(swarmId, this.store));
    return value === undefined ? undefined : openLibraryRecord(value);
  }

  async put(record: LibraryRecord): Promise<void> {
    await this.run(`write ${record.swarmId}`, () => set(record.swarmId, record, this.store));
  }

  async delete(swarmId: SwarmId): Promise<void> {
    await this.run(`delete ${swarmId}`, () => del(swarmId, this.store));
  }

  private async run<T>(what: string, op: () => Promise<T>): Promise<T> {
    try {
      return await op();
    } catch (error) {
      throw toStorageError(`library: ${what}`, error);
    }
  }
}
