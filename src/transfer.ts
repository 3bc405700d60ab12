import type { ShoalErrorCode, TransferSnapshot } from './app-model.ts';
import { verifiedBytesPerFile } from './chunks/file-progress.ts';
import type { Manifest } from './chunks/manifest.ts';
import { StorageError, type PieceStore } from './chunks/piece-store.ts';
import { metadataCheck, type ShareAccess, type ShareContent } from './chunks/share-access.ts';
import { PeerConnector } from './swarm/peer-connector.ts';
import type { PeerId, PieceIndex } from './swarm/picker.ts';
import { EtaEstimator } from './swarm/eta.ts';
import { PIECE_HAD, type PieceMap } from './swarm/piece-map.ts';
import { Swarm } from './swarm/swarm.ts';
import { PlaybackFocus } from './stream/playback-focus.ts';
import type { RoomLink, RoomListener } from './signaling-rooms.ts';
import { contentSummary, peerSummary, readableGeometry } from './snapshots.ts';
import type { SignalData, Transport } from './swarm/transport.ts';
import { yieldToPage } from './yield-to-page.ts';

/** What a transfer needs from the page-wide signaling connection, scoped to its room. */
export interface TransferOptions {
  access: ShareAccess;
  link: string;
  role: 'seed' | 'leech';
  /** Known by the sharer and by whoever holds the share already; else fetched from peers. */
  content: ShareContent | null;
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
  /** Test hook: serve metadata with its last byte flipped (a tampering peer). */
  corruptMetadata?: boolean;
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
export class Transfer implements RoomListener {
  readonly swarm: Swarm;
  readonly connector: PeerConnector;
  private joinedRoom = false;
  private error: { code: ShoalErrorCode; detail: string } | null = null;
  private keepError: { code: ShoalErrorCode; detail: string } | null = null;
  private readonly piecesResumed: number;
  /** What each accepted metadata opened to; the swarm adopts one of them, named by its manifest. */
  private readonly opened = new WeakMap<Manifest, ShareContent>();
  #content: ShareContent | null;
  /** When storage last failed, while the swarm is paused for it. */
  private storageFailedAt: number | null = null;
  private focus: PlaybackFocus | null = null;
  private readonly eta = new EtaEstimator();
  private etaSeconds: number | null = null;
  /** Per-file verified bytes, recomputed only when the piece map's version moves. */
  private fileBytes = { mapVersion: -1, verified: [] as number[] };

  constructor(private readonly opts: TransferOptions) {
    this.#content = opts.content;
    const metadata = opts.content?.metadata;
    this.swarm = new Swarm({
      swarmId: opts.access.swarmId,
      localPeerId: opts.localPeerId,
      manifest: opts.content?.manifest ?? null,
      metadata: metadata && opts.corruptMetadata ? flipLastByte(metadata) : metadata,
      acceptMetadata: metadataCheck(opts.access, (content) => this.opened.set(content.manifest, content)),
      store: opts.store,
      storedPieces: opts.storedPieces,
      hash: opts.hash,
      now: opts.now,
      random: opts.random,
      corruptUploads: opts.corruptUploads,
      downloadBytesPerSecond: opts.downloadBytesPerSecond,
      yieldToPage,
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
    events.on('manifestReceived', (manifest) => {
      this.#content = this.opened.get(manifest) ?? null;
      this.clearError(this.rejectionCode());
      changed();
    });
    events.on('peerLeft', () => {
      this.connector.disconnected();
      changed();
    });
    events.on('manifestRejected', (peer, reason) => {
      this.error = { code: this.rejectionCode(), detail: `peer ${peer.slice(0, 8)}: ${reason}` };
      changed();
    });
    events.on('storageFailed', (error) => this.storageFailed(error));
    events.on('readFailed', (error) => {
      if (this.error?.code === 'source-unreadable') return;
      this.error = { code: 'source-unreadable', detail: error.message };
      changed();
    });
  }

  get store(): PieceStore {
    return this.opts.store;
  }

  get manifest(): Manifest | null {
    return this.swarm.manifest;
  }

  get access(): ShareAccess {
    return this.opts.access;
  }

  /** The content once known: what the swarm verifies, and (with the key) what people see. */
  /** Where players on this page read, steering the swarm's critical range; null until the manifest is known. */
  get playback(): PlaybackFocus | null {
    const manifest = this.swarm.manifest;
    if (!manifest) return null;
    this.focus ??= new PlaybackFocus(Math.ceil(PLAYBACK_WINDOW_BYTES / manifest.pieceLength), (range) =>
      this.swarm.setCriticalRange(range),
    );
    return this.focus;
  }

  get content(): ShareContent | null {
    return this.#content;
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

  peerJoined(peer: PeerId): void {
    this.connector.peerJoined(peer);
  }

  peerLeft(peer: PeerId): void {
    this.connector.peerLeft(peer);
  }

  signalReceived(from: PeerId, data: SignalData): void {
    this.connector.signalReceived(from, data);
  }

  /** The swarm has paused itself. Verified pieces stay. */
  storageFailed(error: Error): void {
    const full = !(error instanceof StorageError) || error.code === 'quota-exceeded';
    this.error = { code: full ? 'storage-full' : 'unknown', detail: error.message };
    this.storageFailedAt = this.opts.now();
    this.opts.onChange();
  }

  /** A seed could not keep its files in the library; it goes on serving them. */
  keepFailed(error: Error): void {
    const full = error instanceof StorageError && error.code === 'quota-exceeded';
    this.error = this.keepError = { code: full ? 'library-full' : 'unknown', detail: error.message };
    this.opts.onChange();
  }

  /** The seed's files are kept after all: what `keepFailed` said goes, unless something else was said since. */
  kept(): void {
    if (this.error === this.keepError) this.error = null;
    this.keepError = null;
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
    this.estimateTimeLeft();
  }

  destroy(): void {
    this.connector.destroy();
    this.swarm.destroy();
  }

  snapshot(): TransferSnapshot {
    const stats = this.swarm.stats();
    const pieceMap = this.swarm.pieceMap();
    const phase = this.phase();
    const summary = contentSummary(this.#content);
    return {
      ...summary,
      swarmId: this.opts.access.swarmId,
      link: this.opts.link,
      role: this.opts.role,
      visibility: this.opts.access.visibility,
      phase,
      piecesVerified: stats.piecesVerified,
      bytesDownloaded: stats.bytesDownloaded,
      bytesUploaded: stats.bytesUploaded,
      downloadBytesPerSecond: stats.downloadBytesPerSecond,
      uploadBytesPerSecond: stats.uploadBytesPerSecond,
      peerCount: stats.peers.length,
      peers: stats.peers.map(peerSummary),
      pieceMap,
      fileBytesVerified: pieceMap ? this.fileBytesVerified(pieceMap) : [],
      etaSeconds: phase === 'downloading' && !this.swarm.isPaused ? this.etaSeconds : null,
      signalingDown: !this.opts.room.isOpen(),
      error: this.error,
      piecesResumed: this.piecesResumed,
      storagePaused: this.swarm.isPaused,
      inOtherTab: false,
    };
  }

  /** Once a tick, so the smoothing sees evenly spaced samples whatever the render rate. */
  private estimateTimeLeft(): void {
    const pieceMap = this.swarm.pieceMap();
    if (!this.#content || !pieceMap) return;
    const verified = this.fileBytesVerified(pieceMap).reduce((sum, bytes) => sum + bytes, 0);
    const rate = this.swarm.stats().downloadBytesPerSecond;
    this.etaSeconds = this.eta.update(this.opts.now(), rate, contentSummary(this.#content).totalBytes - verified);
  }

  private fileBytesVerified(pieceMap: PieceMap): number[] {
    if (this.fileBytes.mapVersion !== pieceMap.version && this.#content) {
      const states = pieceMap.states;
      this.fileBytes = {
        mapVersion: pieceMap.version,
        verified: verifiedBytesPerFile(readableGeometry(this.#content), (i) => states[i] === PIECE_HAD),
      };
    }
    return this.fileBytes.verified;
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

  /** A public manifest that does not hash to the link, or an envelope the key does not open. */
  private rejectionCode(): ShoalErrorCode {
    return this.opts.access.visibility === 'public' ? 'manifest-mismatch' : 'private-manifest-rejected';
  }

  private clearError(code: ShoalErrorCode): void {
    if (this.error?.code === code) this.error = null;
  }
}

function flipLastByte(bytes: Uint8Array): Uint8Array {
  const out = bytes.slice();
  out[out.length - 1] ^= 0x01;
  return out;
}
