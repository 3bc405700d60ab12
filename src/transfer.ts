import type { FileSummary, ShoalErrorCode, TransferSnapshot } from './app-model.ts';
import { pieceCount, totalBytes, type Manifest, type SwarmId } from './chunks/manifest.ts';
import { StorageError, type PieceStore } from './chunks/piece-store.ts';
import { PeerConnector } from './swarm/peer-connector.ts';
import type { PeerId, PieceIndex } from './swarm/picker.ts';
import { Swarm } from './swarm/swarm.ts';
import { PlaybackFocus } from './stream/playback-focus.ts';
import type { IceServer, SignalData, Transport } from './swarm/transport.ts';

/** What a transfer needs from the page-wide signaling connection, scoped to its room. */
export interface RoomLink {
  signal(to: PeerId, data: SignalData): void;
  iceServers(): IceServer[];
  isOpen(): boolean;
}

export interface TransferOptions {
  swarmId: SwarmId;
  link: string;
  role: 'seed' | 'leech';
  manifest: Manifest | null;
  store: PieceStore;
  storedPieces: Iterable<PieceIndex>;
  localPeerId: PeerId;
  transport: Transport;
  room: RoomLink;
  hash: (bytes: Uint8Array) => Promise<Uint8Array>;
  now: () => number;
  random: () => number;
  onChange: () => void;
  /** Test hook: serve corrupted blocks (a poisoning peer). */
  corruptUploads?: boolean;
  /** Optional download limit (tests use it to catch a download midway). */
  downloadBytesPerSecond?: number;
}

/** A player's critical range: about this much ahead of where it reads. */
const PLAYBACK_WINDOW_BYTES = 8 * 1024 * 1024;

/** After storage filled up, try writing again this often (space may have been freed meanwhile). */
const STORAGE_RETRY_MS = 5_000;

/**
 * One share or download on this page: a swarm, the connector that feeds it
 * peers, and the user-facing state (phase, errors) derived from both.
 */
export class Transfer {
  readonly swarm: Swarm;
  readonly connector: PeerConnector;
  private joinedRoom = false;
  private error: { code: ShoalErrorCode; detail: string } | null = null;
  private readonly piecesResumed: number;
  /** When storage last failed, while the swarm is paused for it. */
  private storageFailedAt: number | null = null;
  private focus: PlaybackFocus | null = null;

  constructor(private readonly opts: TransferOptions) {
    this.swarm = new Swarm({
      swarmId: opts.swarmId,
      localPeerId: opts.localPeerId,
      manifest: opts.manifest,
      store: opts.store,
      storedPieces: opts.storedPieces,
      hash: opts.hash,
      now: opts.now,
      random: opts.random,
      corruptUploads: opts.corruptUploads,
      downloadBytesPerSecond: opts.downloadBytesPerSecond,
    });
    this.piecesResumed = this.swarm.piecesVerified;
    this.connector = new PeerConnector({
      localPeerId: opts.localPeerId,
      transport: opts.transport,
      sink: this.swarm,
      sendSignal: (to, data) => opts.room.signal(to, data),
      iceServers: () => opts.room.iceServers(),
      now: opts.now,
      random: opts.random,
    });
    const events = this.swarm.events;
    const changed = () => opts.onChange();
    events.on('pieceVerified', () => {
      // A piece reached the store, so storage works again.
      this.clearError('storage-full');
      changed();
    });
    events.on('completed', changed);
    events.on('peerJoined', changed);
    events.on('manifestReceived', () => {
      this.clearError('manifest-mismatch');
      changed();
    });
    events.on('peerLeft', () => {
      this.connector.disconnected();
      changed();
    });
    events.on('manifestRejected', (peer, reason) => {
      this.error = { code: 'manifest-mismatch', detail: `peer ${peer.slice(0, 8)}: ${reason}` };
      changed();
    });
    events.on('storageFailed', (error) => this.storageFailed(error));
  }

  get store(): PieceStore {
    return this.opts.store;
  }

  get manifest(): Manifest | null {
    return this.swarm.manifest;
  }

  /** Where players on this page read, steering the swarm's critical range; null until the manifest is known. */
  get playback(): PlaybackFocus | null {
    const manifest = this.swarm.manifest;
    if (!manifest) return null;
    this.focus ??= new PlaybackFocus(Math.ceil(PLAYBACK_WINDOW_BYTES / manifest.pieceLength), (range) =>
      this.swarm.setCriticalRange(range),
    );
    return this.focus;
  }

  roomJoined(peers: PeerId[]): void {
    this.joinedRoom = true;
    this.connector.peersListed(peers);
    this.opts.onChange();
  }

  roomLost(): void {
    this.joinedRoom = false;
    this.opts.onChange();
  }

  /**
   * The swarm has paused itself; anything else that writes for this transfer
   * (a seed copying its files in) reports here too. Verified pieces stay.
   */
  storageFailed(error: Error): void {
    const full = !(error instanceof StorageError) || error.code === 'quota-exceeded';
    this.error = { code: full ? 'storage-full' : 'unknown', detail: error.message };
    this.storageFailedAt = this.opts.now();
    this.opts.onChange();
  }

  /** Resumes requesting pieces after a storage failure; the message stays until a piece is stored. */
  retryStorage(): void {
    if (this.storageFailedAt === null) return;
    this.storageFailedAt = null;
    this.swarm.resume();
    this.opts.onChange();
  }

  tick(): void {
    if (this.storageFailedAt !== null && this.opts.now() - this.storageFailedAt >= STORAGE_RETRY_MS) {
      this.retryStorage();
    }
    this.swarm.tick();
    this.connector.tick();
  }

  destroy(): void {
    this.connector.destroy();
    this.swarm.destroy();
  }

  snapshot(): TransferSnapshot {
    const manifest = this.swarm.manifest;
    const stats = this.swarm.stats();
    return {
      swarmId: this.opts.swarmId,
      link: this.opts.link,
      role: this.opts.role,
      phase: this.phase(),
      name: manifest?.name ?? null,
      files: manifest ? fileSummaries(manifest) : [],
      totalBytes: manifest ? totalBytes(manifest) : 0,
      pieceCount: manifest ? pieceCount(manifest) : 0,
      piecesVerified: stats.piecesVerified,
      bytesDownloaded: stats.bytesDownloaded,
      bytesUploaded: stats.bytesUploaded,
      downloadBytesPerSecond: stats.downloadBytesPerSecond,
      uploadBytesPerSecond: stats.uploadBytesPerSecond,
      peerCount: stats.peers.length,
      signalingDown: !this.opts.room.isOpen(),
      error: this.error,
      piecesResumed: this.piecesResumed,
      storagePaused: this.swarm.isPaused,
      inOtherTab: false,
    };
  }

  private phase(): TransferSnapshot['phase'] {
    if (this.swarm.complete) return 'complete';
    const peers = this.swarm.connectedPeers().length;
    if (!this.swarm.manifest) {
      if (peers > 0) return 'fetching-manifest';
      return this.joinedRoom ? 'waiting-for-peers' : 'connecting';
    }
    if (peers === 0) return this.joinedRoom ? 'waiting-for-peers' : 'connecting';
    return 'downloading';
  }

  private clearError(code: ShoalErrorCode): void {
    if (this.error?.code === code) this.error = null;
  }
}

/** A swarm nobody runs right now (seeding off, or offline), as stored: what is kept, no peers. */
export function storedSnapshot(opts: {
  swarmId: SwarmId;
  link: string;
  manifest: Manifest;
  piecesStored: number;
  signalingDown: boolean;
}): TransferSnapshot {
  const count = pieceCount(opts.manifest);
  const complete = opts.piecesStored === count;
  return {
    swarmId: opts.swarmId,
    link: opts.link,
    role: complete ? 'seed' : 'leech',
    phase: complete ? 'complete' : 'connecting',
    name: opts.manifest.name,
    files: fileSummaries(opts.manifest),
    totalBytes: totalBytes(opts.manifest),
    pieceCount: count,
    piecesVerified: opts.piecesStored,
    bytesDownloaded: 0,
    bytesUploaded: 0,
    downloadBytesPerSecond: 0,
    uploadBytesPerSecond: 0,
    peerCount: 0,
    signalingDown: opts.signalingDown,
    error: null,
    piecesResumed: opts.piecesStored,
    storagePaused: false,
    inOtherTab: false,
  };
}

function fileSummaries(manifest: Manifest): FileSummary[] {
  return manifest.files.map((f) => ({ path: f.path, size: f.size, mime: f.mime }));
}
