import {
  ShoalError,
  toShoalError,
  type LibraryItem,
  type SaveOutcome,
  type ShareInputFile,
  type ShareOptions,
  type ShoalApp,
  type StorageInfo,
  type SwarmId,
  type TransferSnapshot,
} from './app-model.ts';
import { FilePieceStore } from './chunks/file-piece-store.ts';
import { WorkerPieceReader } from './chunks/piece-reader.ts';
import { IdbPieceStore, deletePieceDatabase, pieceDbName } from './chunks/idb-piece-store.ts';
import { Library } from './chunks/library.ts';
import { LibraryStore } from './chunks/library-store.ts';
import { pieceCount } from './chunks/manifest.ts';
import { StorageError, type PieceIndex, type PieceStore } from './chunks/piece-store.ts';
import { relayAccess, type ShareAccess, type ShareContent } from './chunks/share-access.ts';
import { sha256 } from './chunks/sha256.ts';
import { TabChannel, holdSwarmLock } from './chunks/tab-sync.ts';
import { randomPeerId } from './swarm/ids.ts';
import type { PeerId } from './swarm/picker.ts';
import type { Transport } from './swarm/transport.ts';
import type { EarlySocket } from './swarm/signaling-client.ts';
import { AccessBook } from './access-book.ts';
import { SignalingRooms } from './signaling-rooms.ts';
import { accessForLink } from './link-opener.ts';
import { makeShare } from './share-maker.ts';
import { libraryItem, storedSnapshot } from './snapshots.ts';
import { FileAccess } from './stream/file-access.ts';
import { Transfer } from './transfer.ts';

export interface RuntimeOptions {
  signalingUrl: string;
  /** The signaling socket the page opened while the app loaded (index.html), if any. */
  earlySocket?: EarlySocket | null;
  /** Origin + path the share links start with, e.g. `https://shoal.example/`. */
  linkBase: string;
  transport: Transport;
  /** Test hook: asked at each piece-store write; true fails it as a full disk would. */
  simulateStoreFull?: () => boolean;
  /** Test hook: serve corrupted blocks. */
  corruptUploads?: boolean;
  /** Test hook: serve altered metadata (a tampered manifest). */
  corruptMetadata?: boolean;
  /** Optional download limit per swarm. */
  downloadBytesPerSecond?: number;
}

/** What one tab tells the others. */
type TabMessage =
  | { type: 'snapshot'; snapshot: TransferSnapshot }
  | { type: 'stopped'; swarmId: SwarmId }
  | { type: 'library-changed' };

/**
 * Tabs of different app versions must not read each other's snapshots (their
 * shapes change between versions): bump the suffix whenever TabMessage or
 * TransferSnapshot changes. The swarm locks stay shared across versions.
 */
const TAB_CHANNEL = 'shoal-tabs-v2';
const TICK_MS = 1000;
const LIBRARY_FLUSH_MS = 3000;
const STORAGE_RETRY_MS = 5000;
const SEEDING_SETTING_KEY = 'shoal.seeding-enabled';

/**
 * The browser application: one signaling connection for the page, one
 * Transfer per swarm this tab owns, the library of everything this browser
 * holds, and the facade the UI talks to. A swarm is run by exactly one tab
 * (a Web Lock); the others show the owner's broadcast snapshots.
 */
export class ShoalRuntime implements ShoalApp {
  readonly localPeerId: PeerId = randomPeerId((n) => crypto.getRandomValues(new Uint8Array(n)));
  /** Resolves once the library is loaded and its seeds are queued. */
  readonly ready: Promise<void>;
  seedingEnabled = localStorage.getItem(SEEDING_SETTING_KEY) !== 'off';
  private readonly transfers = new Map<SwarmId, Transfer>();
  /** Swarms this tab wants to run: waiting for, or holding, their lock. */
  private readonly wanted = new Map<SwarmId, AbortController>();
  /** Swarms the user opened or shared in this tab: they run whatever the seeding settings say. */
  private readonly pinned = new Set<SwarmId>();
  /** `openLink` calls still working out the link's access. */
  private linksOpening = 0;
  private readonly otherTabs = new Map<SwarmId, TransferSnapshot>();
  /** Shares served from files: dropped in this tab, or kept in the library by the tab that made them. */
  private readonly seedFiles = new Map<SwarmId, SeedFiles>();
  private readonly held = new Library({
    records: new LibraryStore(),
    deletePieces: (swarmId) => deletePieceDatabase(pieceDbName(swarmId)),
    nowMs: Date.now,
    flushIntervalMs: LIBRARY_FLUSH_MS,
  });
  private readonly accesses = new AccessBook(this.held);
  private readonly tabs = new TabChannel<TabMessage>(TAB_CHANNEL, (m) => this.onTabMessage(m));
  private readonly listeners = new Set<() => void>();
  private readonly rooms: SignalingRooms;
  private readonly ticker: ReturnType<typeof setInterval>;
  private readonly files = new FileAccess({
    transfer: (swarmId) => this.transfers.get(swarmId),
    knownContent: (swarmId) => this.transfers.get(swarmId)?.content ?? this.held.get(swarmId)?.content ?? null,
    heldContent: async (swarmId) => {
      await this.ready;
      return this.held.get(swarmId)?.content ?? null;
    },
    completeStore: async (swarmId) => (await this.completeCopy(swarmId)).store,
    libraryStore: (swarmId, content) => heldStore(swarmId, content),
  });

  constructor(private readonly opts: RuntimeOptions) {
    this.rooms = new SignalingRooms({
      url: opts.signalingUrl,
      earlySocket: opts.earlySocket,
      peerId: this.localPeerId,
      onStatusChange: () => this.notify(),
    });
    this.ticker = setInterval(() => this.tick(), TICK_MS);
    this.ready = this.loadLibrary();
  }

  async createShare(files: ShareInputFile[], opts: ShareOptions): Promise<SwarmId> {
    let made;
    try {
      made = await makeShare(files, opts);
    } catch (error) {
      if (error instanceof DOMException && error.name === 'AbortError') throw error;
      throw toShoalError(error, 'hashing-failed');
    }
    const { access, content } = made;
    const swarmId = access.swarmId;
    await this.ready;
    this.accesses.remember(access);
    const store = servingStore(made.files, content);
    // The same content shared again from this page (a public share): these files replace the earlier ones.
    const replaced = this.seedFiles.get(swarmId);
    this.seedFiles.set(swarmId, { files: made.files, store, content });
    if (opts.keepInLibrary) {
      try {
        await this.held.add(access, content, 'shared');
        this.tabs.post({ type: 'library-changed' });
      } catch (error) {
        // Seeding from the files still works; only seeding after a restart is lost.
        console.error('shoal: could not add the share to the library', error);
      }
    }
    this.pinned.add(swarmId);
    // Running from IndexedDB already (e.g. downloaded before, maybe partly), or from the replaced files? Restart on these.
    const running = this.transfers.get(swarmId);
    if (running && (!running.swarm.complete || replaced)) this.stop(swarmId);
    this.want(swarmId);
    await replaced?.store.destroy();
    return swarmId;
  }

  async openLink(fragment: string, opts: { password?: string } = {}): Promise<SwarmId> {
    this.linksOpening++;
    try {
      // Only a password link needs the library (its key may be kept there): the others open without waiting for it.
      const access = await accessForLink(fragment, opts.password, async (key) => {
        await this.ready;
        return this.accesses.kept(key);
      });
      return this.join(access);
    } finally {
      this.linksOpening--;
      this.notify();
    }
  }

  /**
   * True while this tab is opening a link, or a download it opened has no
   * verified piece yet: the first piece is what someone who opened a link
   * waits for, so other work on the network and storage can wait for it.
   */
  get awaitingFirstPiece(): boolean {
    if (this.linksOpening > 0) return true;
    for (const swarmId of this.pinned) {
      if (this.seedFiles.has(swarmId) || this.otherTabs.has(swarmId)) continue;
      const verified = this.transfers.get(swarmId)?.swarm.piecesVerified ?? this.held.get(swarmId)?.have.count() ?? 0;
      if (verified === 0) return true;
    }
    return false;
  }

  /**
   * Joins a private share's room knowing only its room id: stores, verifies
   * and serves its ciphertext, reads nothing. Not kept in the library (there
   * is nothing to list). Used by tests to stand in for a relaying peer.
   */
  openRelay(roomId: SwarmId): SwarmId {
    return this.join(relayAccess(roomId));
  }

  snapshot(swarmId: SwarmId): TransferSnapshot | undefined {
    const own = this.transfers.get(swarmId);
    if (own) return own.snapshot();
    const remote = this.otherTabs.get(swarmId);
    if (remote) return remote;
    const entry = this.held.get(swarmId);
    if (!entry) return undefined;
    return storedSnapshot({
      access: entry.access,
      link: this.linkOf(swarmId),
      content: entry.content,
      have: (index) => entry.have.has(index),
      signalingDown: !this.rooms.isOpen,
    });
  }

  subscribe(onChange: () => void): () => void {
    this.listeners.add(onChange);
    return () => this.listeners.delete(onChange);
  }

  saveFile(swarmId: SwarmId, fileIndex: number): Promise<SaveOutcome> {
    return this.files.saveFile(swarmId, fileIndex);
  }

  saveZip(swarmId: SwarmId): Promise<SaveOutcome> {
    return this.files.saveZip(swarmId);
  }

  saveFolder(swarmId: SwarmId): Promise<SaveOutcome> {
    return this.files.saveFolder(swarmId);
  }

  get canSaveFolder(): boolean {
    return this.files.canSaveFolder;
  }

  streamUrl(swarmId: SwarmId, fileIndex: number): Promise<string> {
    return this.files.streamUrl(swarmId, fileIndex);
  }

  playheadMoved(swarmId: SwarmId, fileIndex: number, fraction: number | null): void {
    this.files.playheadMoved(swarmId, fileIndex, fraction);
  }

  /**
   * Newest first, by when each was added: an order that traffic does not
   * change. Sorted by last activity, two items seeding at once swapped rows
   * every few seconds, and a click aimed at one row's Delete could land on
   * the other's.
   */
  library(): LibraryItem[] {
    return this.held
      .all()
      .sort((a, b) => b.record.addedAtMs - a.record.addedAtMs)
      .map((entry) =>
        libraryItem(entry, {
          link: this.linkOf(entry.record.swarmId),
          live: this.snapshot(entry.record.swarmId),
          active: this.transfers.has(entry.record.swarmId) || this.otherTabs.has(entry.record.swarmId),
        }),
      );
  }

  async setSeeding(swarmId: SwarmId, on: boolean): Promise<void> {
    await this.held.setSeeding(swarmId, on);
    this.tabs.post({ type: 'library-changed' });
    this.applySeeding(swarmId);
    this.notify();
  }

  setSeedingEnabled(on: boolean): void {
    this.seedingEnabled = on;
    localStorage.setItem(SEEDING_SETTING_KEY, on ? 'on' : 'off');
    for (const entry of this.held.all()) this.applySeeding(entry.record.swarmId);
    this.notify();
  }

  async deleteItem(swarmId: SwarmId): Promise<void> {
    this.stop(swarmId);
    this.pinned.delete(swarmId);
    this.accesses.forget(swarmId);
    this.otherTabs.delete(swarmId);
    await this.seedFiles.get(swarmId)?.store.destroy();
    this.seedFiles.delete(swarmId);
    try {
      await this.held.remove(swarmId);
    } catch (error) {
      throw toShoalError(error, 'unknown');
    } finally {
      // Another tab running it stops on reload, finding no record.
      this.tabs.post({ type: 'library-changed' });
      this.notify();
    }
  }

  retryStorage(swarmId: SwarmId): void {
    this.transfers.get(swarmId)?.retryStorage();
  }

  async storageInfo(): Promise<StorageInfo | null> {
    if (!navigator.storage?.estimate) return null;
    const [estimate, persisted] = await Promise.all([navigator.storage.estimate(), navigator.storage.persisted()]);
    return { usageBytes: estimate.usage ?? 0, quotaBytes: estimate.quota ?? 0, persisted };
  }

  async requestPersistentStorage(): Promise<boolean> {
    return navigator.storage?.persist ? navigator.storage.persist() : false;
  }

  /** The transfer this tab runs for a swarm, for diagnostics and tests. */
  transfer(swarmId: SwarmId): Transfer | undefined {
    return this.transfers.get(swarmId);
  }

  destroy(): void {
    clearInterval(this.ticker);
    this.files.destroy();
    for (const swarmId of [...this.wanted.keys()]) this.stop(swarmId);
    this.tabs.close();
    this.rooms.close();
  }

  private async loadLibrary(): Promise<void> {
    try {
      await this.held.reload();
    } catch (error) {
      console.error('shoal: could not read the library', error);
    }
    for (const entry of this.held.all()) this.applySeeding(entry.record.swarmId);
    this.notify();
  }

  /**
   * Runs or stops a swarm: a held item runs while seeding is on for it and
   * globally; a download the user opened here runs until it is complete.
   */
  private applySeeding(swarmId: SwarmId): void {
    const entry = this.held.get(swarmId);
    const seed = this.seedingEnabled && entry?.record.seeding === true;
    const unfinished = this.pinned.has(swarmId) && !entry?.have.isComplete();
    if (seed || unfinished) this.want(swarmId);
    else this.stop(swarmId);
  }

  private join(access: ShareAccess): SwarmId {
    const swarmId = access.swarmId;
    this.accesses.remember(access);
    this.pinned.add(swarmId);
    this.applySeeding(swarmId);
    this.notify();
    return swarmId;
  }

  /** Queues for the swarm's lock; runs it here once no other tab does. */
  private want(swarmId: SwarmId): void {
    if (this.wanted.has(swarmId)) return;
    const abort = new AbortController();
    this.wanted.set(swarmId, abort);
    holdSwarmLock(swarmId, abort.signal, () => void this.run(swarmId, abort.signal));
  }

  private async run(swarmId: SwarmId, signal: AbortSignal): Promise<void> {
    const access = this.accesses.of(swarmId);
    if (!access) return;
    // Into the room at once: the handshakes start while IndexedDB opens (see RoomEvents).
    this.rooms.join(swarmId);
    const idb = new IdbPieceStore(swarmId, { simulateFull: this.opts.simulateStoreFull });
    const [stored] = await Promise.all([storedPieces(idb, swarmId), this.ready]);
    if (signal.aborted) return;
    const entry = this.held.get(swarmId) ?? null;
    if (entry) this.held.markStored(swarmId, stored);
    if (!this.seedFiles.has(swarmId) && entry?.record.origin === 'shared') {
      const kept = await keptFiles(idb);
      // An earlier run of this swarm (stopped, then wanted again) may have got there first.
      if (kept && !this.seedFiles.has(swarmId)) {
        this.seedFiles.set(swarmId, { files: kept, store: servingStore(kept, entry.content), content: entry.content });
      }
    }
    if (signal.aborted) return;
    const files = this.seedFiles.get(swarmId);
    if (files) {
      const transfer = this.startTransfer(access, 'seed', files.content, files.store, range(pieceCount(files.content.manifest)));
      this.persistProgress(transfer);
      // A share kept in the library keeps its files there, once (an older version stored pieces instead).
      if (entry && !entry.have.isComplete()) void this.keepFiles(transfer, idb, files, signal);
    } else {
      this.persistProgress(this.startTransfer(access, 'leech', entry?.content ?? null, idb, stored));
    }
  }

  /** Keeps the library in step with a transfer: its manifest once known, each stored piece, completion. */
  private persistProgress(transfer: Transfer): void {
    const swarmId = transfer.swarm.swarmId;
    const events = transfer.swarm.events;
    events.on('manifestReceived', () => void this.remember(transfer));
    events.on('pieceVerified', (index) => this.held.markStored(swarmId, [index]));
    events.on('completed', () => {
      void this.flushLibrary(transfer, swarmId);
      // Finished: from now on only the seeding settings keep it running.
      this.applySeeding(swarmId);
    });
  }

  private startTransfer(
    access: ShareAccess,
    role: 'seed' | 'leech',
    content: ShareContent | null,
    store: PieceStore,
    storedPieces: Iterable<PieceIndex>,
  ): Transfer {
    const swarmId = access.swarmId;
    const transfer = new Transfer({
      access,
      link: this.linkOf(swarmId),
      role,
      content,
      store,
      storedPieces,
      localPeerId: this.localPeerId,
      transport: this.opts.transport,
      room: this.rooms.link(swarmId),
      hash: sha256,
      now: () => performance.now(),
      random: Math.random,
      onChange: () => this.notify(),
      corruptUploads: this.opts.corruptUploads,
      corruptMetadata: this.opts.corruptMetadata,
      downloadBytesPerSecond: this.opts.downloadBytesPerSecond,
    });
    this.transfers.set(swarmId, transfer);
    this.otherTabs.delete(swarmId);
    this.rooms.attach(swarmId, transfer);
    this.notify();
    return transfer;
  }

  /** Leaves the swarm and frees its lock for another tab; stored data stays. */
  private stop(swarmId: SwarmId): void {
    const abort = this.wanted.get(swarmId);
    if (!abort) return;
    abort.abort();
    this.wanted.delete(swarmId);
    this.rooms.leave(swarmId);
    const transfer = this.transfers.get(swarmId);
    if (!transfer) return;
    transfer.destroy();
    this.transfers.delete(swarmId);
    this.tabs.post({ type: 'stopped', swarmId });
    void this.flushLibrary(transfer, swarmId);
  }

  /** A download learned its manifest: from now on the library holds it (with its key, if private). A relay has nothing to list. */
  private async remember(transfer: Transfer): Promise<void> {
    const content = transfer.content;
    if (!content?.listing) return;
    try {
      await this.held.add(transfer.access, content, 'downloaded');
      this.held.markStored(transfer.swarm.swarmId, await transfer.store.indices());
      this.tabs.post({ type: 'library-changed' });
    } catch (error) {
      this.reportStorageError(transfer, error);
    }
    this.notify();
  }

  /**
   * Keeps a share's files in its database so it can be seeded after a
   * restart; the browser copies them without the page reading a byte. A
   * full store is reported on the transfer and tried again while it runs.
   */
  private async keepFiles(transfer: Transfer, idb: IdbPieceStore, seed: SeedFiles, signal: AbortSignal): Promise<void> {
    const swarmId = transfer.swarm.swarmId;
    for (;;) {
      try {
        await idb.keepFiles(seed.files);
        break;
      } catch (error) {
        if (!(error instanceof StorageError) || signal.aborted) {
          console.error(`shoal: keeping the files of ${swarmId} failed`, error);
          return;
        }
        transfer.keepFailed(error);
        await new Promise((resolve) => setTimeout(resolve, STORAGE_RETRY_MS));
        if (signal.aborted) return;
      }
    }
    transfer.kept();
    this.held.markStored(swarmId, range(pieceCount(seed.content.manifest)));
    await this.flushLibrary(transfer, swarmId);
  }

  private async flushLibrary(transfer: Transfer, swarmId: SwarmId): Promise<void> {
    try {
      await this.held.flush(swarmId);
    } catch (error) {
      this.reportStorageError(transfer, error);
    }
  }

  private reportStorageError(transfer: Transfer, error: unknown): void {
    if (!(error instanceof StorageError)) throw error;
    transfer.storageFailed(error);
  }

  /** A complete copy of a swarm to read files from: the running transfer's store, else IndexedDB. */
  private async completeCopy(swarmId: SwarmId): Promise<{ content: ShareContent; store: PieceStore }> {
    const transfer = this.transfers.get(swarmId);
    if (transfer?.content && transfer.swarm.complete) return { content: transfer.content, store: transfer.store };
    // Another tab may have finished it meanwhile: the database, not our memory, knows.
    await this.held.reload();
    const entry = this.held.get(swarmId);
    const store = entry && (await heldStore(swarmId, entry.content));
    if (store && (await store.indices()).length === pieceCount(entry.content.manifest)) {
      return { content: entry.content, store };
    }
    throw new ShoalError('save-failed', 'This file has not finished downloading yet.');
  }

  private tick(): void {
    for (const transfer of this.transfers.values()) {
      transfer.tick();
      const snapshot = transfer.snapshot();
      if (snapshot.downloadBytesPerSecond + snapshot.uploadBytesPerSecond > 0) this.held.touch(snapshot.swarmId);
      this.tabs.post({ type: 'snapshot', snapshot: { ...snapshot, inOtherTab: true } });
    }
    this.held.flushDue().catch((error: unknown) => console.error('shoal: saving library progress failed', error));
    this.notify();
  }

  private onTabMessage(message: TabMessage): void {
    switch (message.type) {
      case 'snapshot':
        if (!this.transfers.has(message.snapshot.swarmId)) this.otherTabs.set(message.snapshot.swarmId, message.snapshot);
        break;
      case 'stopped':
        this.otherTabs.delete(message.swarmId);
        break;
      case 'library-changed':
        void this.syncLibrary();
        return;
    }
    this.notify();
  }

  /** Another tab added, changed or deleted an item: follow, and stop running what is gone. */
  private async syncLibrary(): Promise<void> {
    try {
      await this.held.reload();
    } catch (error) {
      console.error('shoal: could not read the library', error);
      return;
    }
    for (const swarmId of [...this.wanted.keys()]) {
      const transfer = this.transfers.get(swarmId);
      if (transfer?.manifest && !this.held.get(swarmId)) this.stop(swarmId);
    }
    this.notify();
  }

  private linkOf(swarmId: SwarmId): string {
    return this.opts.linkBase + '#' + this.accesses.fragmentOf(swarmId);
  }

  private notify(): void {
    for (const listener of this.listeners) listener();
  }
}

/** Files a seed serves, in manifest order, and the store that reads pieces out of them. */
interface SeedFiles {
  files: readonly Blob[];
  store: FilePieceStore;
  content: ShareContent;
}

/** What a seed serves from its files: pieces are read (and a private share's encrypted) in a worker. */
function servingStore(files: readonly Blob[], content: ShareContent): FilePieceStore {
  return new FilePieceStore(files, content, (f, geometry, key) => new WorkerPieceReader(f, geometry, key));
}

/**
 * A swarm's stored copy, for reading files out of it: the files a share
 * made here kept (read on the page: nothing to close afterwards), else its
 * pieces.
 */
async function heldStore(swarmId: SwarmId, content: ShareContent): Promise<PieceStore> {
  const idb = new IdbPieceStore(swarmId);
  const files = await idb.keptFiles();
  return files ? new FilePieceStore(files, content) : idb;
}

/** The files a share made in this browser kept; null for anything stored as pieces, or kept files that cannot be read. */
async function keptFiles(idb: IdbPieceStore): Promise<Blob[] | null> {
  try {
    return (await idb.keptFiles()) ?? null;
  } catch (error) {
    console.error(`shoal: cannot read the kept files of ${idb.dbName}`, error);
    return null;
  }
}

/** The pieces of a swarm already in IndexedDB; none if they cannot be read (they are fetched again). */
async function storedPieces(idb: IdbPieceStore, swarmId: SwarmId): Promise<PieceIndex[]> {
  try {
    return await idb.indices();
  } catch (error) {
    console.error(`shoal: cannot read stored pieces of ${swarmId}; fetching them again`, error);
    return [];
  }
}

function range(count: number): number[] {
  return Array.from({ length: count }, (_, i) => i);
}
