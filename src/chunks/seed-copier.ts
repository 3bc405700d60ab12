import { StorageError, type PieceIndex, type PieceStore } from './piece-store.ts';

export interface SeedCopyOptions {
  /** Pieces in flight at once: enough for the destination to batch them, few enough to bound memory. */
  windowBytes: number;
  pieceBytes: number;
  /** The background copy runs only once no piece has been read for serving, and nobody was `arriving`, for this long. */
  idleMs: number;
  /** True while a downloader is on its way (a connection is being set up): its first requests come next. */
  arriving: () => boolean;
  signal: AbortSignal;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  /** Resolves in a new task (a served piece is stored in one of its own). */
  yieldToPage: () => Promise<void>;
  onCopied: (index: PieceIndex) => void;
  /** Called when the destination fails (full disk); the copy waits for `retry()` and then tries the same pieces again. */
  onFailed: (error: StorageError) => void;
  retry: () => Promise<void>;
}

/**
 * Copies a seed's pieces from the dropped files into the library
 * (IndexedDB), so the share can be seeded after a restart, without
 * competing with serving it. Each piece read for an upload goes into the
 * library as it passes, so it is read (and, for a private share, encrypted)
 * once; the rest is copied a window at a time, and only while nobody is
 * downloading or connecting. When a downloader arrives right after the share
 * is made, the seed's page answers it instead of cloning pieces into
 * IndexedDB.
 */
export class SeedLibraryCopy {
  /** What the seed serves from: its files, each piece read passed on to the library too. */
  readonly serving: PieceStore;
  private readonly missing: Set<PieceIndex>;
  private readonly writesBehind = new Set<Promise<void>>();
  private writeBehindBytes = 0;
  private lastActiveAtMs = -Infinity;
  private failure: StorageError | null = null;
  private fatal: unknown = null;

  constructor(
    private readonly files: PieceStore,
    private readonly library: PieceStore,
    missing: Iterable<PieceIndex>,
    private readonly opts: SeedCopyOptions,
  ) {
    this.missing = new Set(missing);
    this.serving = {
      get: (index) => this.serve(index),
      put: (index, bytes) => files.put(index, bytes),
      indices: () => files.indices(),
      destroy: () => files.destroy(),
    };
  }

  /**
   * Copies what serving has not, until every piece is in the library or the
   * signal aborts. A full store waits for `retry`; anything else (a file
   * became unreadable) rejects.
   */
  async run(): Promise<void> {
    const perWindow = Math.max(1, Math.floor(this.opts.windowBytes / this.opts.pieceBytes));
    while (!this.opts.signal.aborted) {
      if (this.fatal) throw this.fatal;
      if (this.failure) {
        this.opts.onFailed(this.failure);
        await this.opts.retry();
        this.failure = null;
        continue;
      }
      if (this.missing.size === 0) {
        if (this.writesBehind.size === 0) return;
        await Promise.all(this.writesBehind);
        continue;
      }
      const activeAgoMs = this.activeAgoMs();
      if (activeAgoMs < this.opts.idleMs) {
        await this.opts.sleep(this.opts.idleMs - activeAgoMs);
        continue;
      }
      const window: PieceIndex[] = [];
      for (const index of this.missing) {
        if (window.length === perWindow) break;
        window.push(index);
      }
      // One read at a time, the stores overlapping: a downloader's first request then waits behind
      // at most one read of the copy, and one that arrives mid-window stops the rest of it.
      const stores: Promise<void>[] = [];
      for (const index of window) {
        if (this.activeAgoMs() < this.opts.idleMs) break;
        this.missing.delete(index);
        const bytes = await this.files.get(index);
        if (!bytes) throw new RangeError(`piece ${index} missing from the source store`);
        stores.push(this.store(index, bytes));
      }
      await Promise.all(stores);
    }
  }

  /** How long since a piece was last read for serving, or a downloader was last seen arriving. */
  private activeAgoMs(): number {
    if (this.opts.arriving()) this.lastActiveAtMs = this.opts.now();
    return this.opts.now() - this.lastActiveAtMs;
  }

  private async serve(index: PieceIndex): Promise<Uint8Array | undefined> {
    const bytes = await this.files.get(index);
    this.lastActiveAtMs = this.opts.now();
    const take =
      bytes !== undefined &&
      this.missing.has(index) &&
      !this.opts.signal.aborted &&
      this.failure === null &&
      // A store slower than the uploads must not pile pieces up in memory: the rest waits for the idle copy.
      this.writeBehindBytes + bytes.byteLength <= this.opts.windowBytes;
    if (take) {
      this.missing.delete(index);
      this.writeBehind(index, bytes);
    }
    return bytes;
  }

  /**
   * Stores a served piece in a task of its own: IndexedDB clones the value
   * as it is put, and that was part of the seed's costliest serving task,
   * the one in which a 1 MiB piece arrived (22-34 ms of CPU; 12-14 ms once
   * stored later and with uploads sent in runs, 256 MiB share).
   */
  private writeBehind(index: PieceIndex, bytes: Uint8Array): void {
    this.writeBehindBytes += bytes.byteLength;
    const write = this.opts.yieldToPage().then(() => this.store(index, bytes)).finally(() => {
      this.writeBehindBytes -= bytes.byteLength;
      this.writesBehind.delete(write);
    });
    this.writesBehind.add(write);
  }

  /** Never rejects: a full store puts the piece back for after `retry`, anything else stops `run`. */
  private async store(index: PieceIndex, bytes: Uint8Array): Promise<void> {
    try {
      await this.library.put(index, bytes);
      if (!this.opts.signal.aborted) this.opts.onCopied(index);
    } catch (error) {
      this.missing.add(index);
      if (error instanceof StorageError) this.failure ??= error;
      else this.fatal ??= error;
    }
  }
}
