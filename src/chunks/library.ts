import { Bitfield } from './bitfield.ts';
import type { LibraryEntry, LibraryRecord } from './library-record.ts';
import { pieceCount, type SwarmId } from './manifest.ts';
import type { PieceIndex } from './piece-store.ts';
import type { ShareAccess, ShareContent } from './share-access.ts';

/** Where records persist: LibraryStore (IndexedDB) in the app, a Map in tests. */
export interface RecordStore {
  list(): Promise<LibraryEntry[]>;
  put(record: LibraryRecord): Promise<void>;
  delete(swarmId: SwarmId): Promise<void>;
}

export interface LibraryOptions {
  records: RecordStore;
  /** Removes a swarm's pieces (its piece database). */
  deletePieces: (swarmId: SwarmId) => Promise<void>;
  nowMs: () => number;
  flushIntervalMs: number;
}

/**
 * The in-memory view of the library with write-behind to IndexedDB: piece
 * bits and activity change many times a second, so they are flushed at most
 * every `flushIntervalMs` (and at once for anything the user did).
 */
export class Library {
  private readonly entries = new Map<SwarmId, LibraryEntry>();
  private readonly dirty = new Set<SwarmId>();
  private lastFlushAtMs = 0;

  constructor(private readonly opts: LibraryOptions) {}

  /** Replaces what is known with what is stored, except entries with unsaved changes here. */
  async reload(): Promise<void> {
    const stored = await this.opts.records.list();
    const ids = new Set(stored.map((e) => e.record.swarmId));
    for (const id of this.entries.keys()) if (!ids.has(id) && !this.dirty.has(id)) this.entries.delete(id);
    for (const entry of stored) if (!this.dirty.has(entry.record.swarmId)) this.entries.set(entry.record.swarmId, entry);
  }

  get(swarmId: SwarmId): LibraryEntry | undefined {
    return this.entries.get(swarmId);
  }

  all(): LibraryEntry[] {
    return [...this.entries.values()];
  }

  /**
   * Adds a swarm (or returns the one already held) and writes it at once.
   * A private share's key is stored with it: keeping an item is what lets it
   * resume and seed after a restart.
   */
  async add(access: ShareAccess, content: ShareContent, origin: LibraryRecord['origin']): Promise<LibraryEntry> {
    const swarmId = access.swarmId;
    const existing = this.entries.get(swarmId);
    if (existing) return existing;
    const now = this.opts.nowMs();
    const have = new Bitfield(pieceCount(content.manifest));
    const record: LibraryRecord = {
      swarmId,
      manifest: content.metadata,
      ...(access.secret ? { secret: access.secret } : {}),
      origin,
      seeding: true,
      have: have.toBytes(),
      addedAtMs: now,
      lastActivityAtMs: now,
    };
    const entry: LibraryEntry = { record, access, content, have };
    this.entries.set(swarmId, entry);
    await this.opts.records.put(record);
    return entry;
  }

  /** Pieces now committed to the swarm's piece store. */
  markStored(swarmId: SwarmId, indices: Iterable<PieceIndex>): void {
    const entry = this.entries.get(swarmId);
    if (!entry) return;
    for (const index of indices) entry.have.set(index);
    this.touch(swarmId);
  }

  touch(swarmId: SwarmId): void {
    const entry = this.entries.get(swarmId);
    if (!entry) return;
    entry.record.lastActivityAtMs = this.opts.nowMs();
    this.dirty.add(swarmId);
  }

  async setSeeding(swarmId: SwarmId, on: boolean): Promise<void> {
    const entry = this.entries.get(swarmId);
    if (!entry) return;
    entry.record.seeding = on;
    this.dirty.add(swarmId);
    await this.flush(swarmId);
  }

  /** Writes changed entries if the interval has passed; rejects with the first failure. */
  async flushDue(): Promise<void> {
    if (this.opts.nowMs() - this.lastFlushAtMs < this.opts.flushIntervalMs) return;
    this.lastFlushAtMs = this.opts.nowMs();
    await Promise.all([...this.dirty].map((id) => this.flush(id)));
  }

  async flush(swarmId: SwarmId): Promise<void> {
    const entry = this.entries.get(swarmId);
    if (!entry || !this.dirty.delete(swarmId)) return;
    entry.record.have = entry.have.toBytes();
    try {
      await this.opts.records.put({ ...entry.record });
    } catch (error) {
      this.dirty.add(swarmId);
      throw error;
    }
  }

  /** Forgets a swarm and deletes its record and its piece database. */
  async remove(swarmId: SwarmId): Promise<void> {
    this.entries.delete(swarmId);
    this.dirty.delete(swarmId);
    await this.opts.records.delete(swarmId);
    await this.opts.deletePieces(swarmId);
  }
}
