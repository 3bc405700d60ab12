import type { FileSummary, ShoalErrorCode, TransferSnapshot } from './app-model.ts';
import { pieceCount, totalBytes, type Manifest, type SwarmId } from './chunks/manifest.ts';
import type { PieceStore } from './chunks/piece-store.ts';
import { PeerConnector } from './swarm/peer-connector.ts';
import type { PeerId, PieceIndex } from './swarm/picker.ts';
import { Swarm } from './swarm/swarm.ts';
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
}

/**
 * One share or download on this page: a swarm, the connector that feeds it
 * peers, and the user-facing state (phase, errors) derived from both.
 */
export class Transfer {
  readonly swarm: Swarm;
  readonly connector: PeerConnector;
  private joinedRoom = false;
  private error: { code: ShoalErrorCode; detail: string } | null = null;

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
    });
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
    events.on('pieceVerified', changed);
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
    events.on('storageFailed', (error) => {
      this.error = { code: 'storage-full', detail: error.message };
      changed();
    });
  }

  get store(): PieceStore {
    return this.opts.store;
  }

  get manifest(): Manifest | null {
    return this.swarm.manifest;
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

  tick(): void {
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
      files: manifest?.files.map((f): FileSummary => ({ path: f.path, size: f.size, mime: f.mime })) ?? [],
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
