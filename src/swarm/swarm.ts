import { Bitfield } from '../chunks/bitfield.ts';
import {
  ManifestError,
  decodeManifest,
  encodeManifest,
  pieceBytes,
  pieceCount,
  pieceHash,
  type Manifest,
  type SwarmId,
} from '../chunks/manifest.ts';
import { StorageError, type PieceStore } from '../chunks/piece-store.ts';
import { bytesEqual } from '../chunks/sha256.ts';
import type { Channel } from './channel.ts';
import { Emitter } from './emitter.ts';
import { base64UrlToBytes, hexToBytes } from './ids.ts';
import { MetadataAssembler } from './metadata-assembler.ts';
import {
  PeerSession,
  type BlockRequest,
  type SessionClosedError,
  type SessionEvents,
} from './peer-session.ts';
import { PieceDownload } from './piece-download.ts';
import { PiecePicker, type PeerId, type PieceIndex } from './picker.ts';
import { RateMeter } from './rate-meter.ts';
import { BLOCK_BYTES } from './wire.ts';

export interface SwarmOptions {
  swarmId: SwarmId;
  localPeerId: PeerId;
  /** Known up front by whoever created the share or holds it already; else fetched from peers. */
  manifest: Manifest | null;
  store: PieceStore;
  /** Pieces already verified and in the store (a seed, or a resumed download). */
  storedPieces?: Iterable<PieceIndex>;
  hash: (bytes: Uint8Array) => Promise<Uint8Array>;
  now: () => number;
  random: () => number;
  order?: 'rarest' | 'sequential';
  requestTimeoutMs?: number;
  keepaliveMs?: number;
  deadPeerMs?: number;
  /** Failed pieces a peer may send before it is banned. */
  maxPieceFailures?: number;
}

export interface SwarmEvents {
  manifestReceived(manifest: Manifest): void;
  manifestRejected(peer: PeerId, reason: string): void;
  pieceVerified(index: PieceIndex): void;
  pieceFailed(index: PieceIndex, senders: PeerId[]): void;
  peerJoined(peer: PeerId): void;
  peerLeft(peer: PeerId, reason: string): void;
  peerBanned(peer: PeerId): void;
  completed(): void;
  storageFailed(error: StorageError): void;
}

export interface PeerStats {
  peerId: PeerId;
  bytesDownloaded: number;
  bytesUploaded: number;
  downloadBytesPerSecond: number;
  uploadBytesPerSecond: number;
  requestsInFlight: number;
  piecesAvailable: number;
}

export interface SwarmStats {
  peers: PeerStats[];
  bytesDownloaded: number;
  bytesUploaded: number;
  downloadBytesPerSecond: number;
  uploadBytesPerSecond: number;
  piecesVerified: number;
  piecesFailed: number;
  pieceCount: number;
  duplicateBytes: number;
  requestsTimedOut: number;
}

const MIN_PIPELINE_BLOCKS = 32;
const MAX_PIPELINE_BLOCKS = 256;
/** Keep about this much of a peer's measured rate in flight. */
const PIPELINE_SECONDS = 0.5;
const ENDGAME_MAX_ASKS = 2;
const PIECE_CACHE_SIZE = 16;

/**
 * The swarm for one piece of content: owns the peer sessions, the picker and
 * the store, and is the only place that knows all three.
 */
export class Swarm {
  readonly events = new Emitter<SwarmEvents>();
  manifest: Manifest | null = null;
  private encodedManifest: Uint8Array | null = null;
  private have: Bitfield | null = null;
  private picker: PiecePicker | null = null;
  private readonly swarmIdBytes: Uint8Array;
  private readonly localPeerIdBytes: Uint8Array;
  private readonly handshaking = new Set<PeerSession>();
  private readonly sessions = new Map<PeerId, PeerSession>();
  private readonly metadata = new Map<PeerSession, MetadataAssembler>();
  private readonly active = new Map<PieceIndex, PieceDownload>();
  private readonly verifying = new Set<PieceIndex>();
  /** Peers whose copy of a piece failed verification: fetch it elsewhere if anyone else has it. */
  private readonly avoid = new Map<PieceIndex, Set<PeerId>>();
  private readonly failures = new Map<PeerId, number>();
  private readonly banned = new Set<PeerId>();
  private readonly pieceCache = new Map<PieceIndex, Promise<Uint8Array | undefined>>();
  private readonly downloadRate: RateMeter;
  private readonly uploadRate: RateMeter;
  private piecesFailed = 0;
  private duplicateBytes = 0;
  private requestsTimedOut = 0;
  private paused = false;
  private destroyed = false;
  private readonly sessionEvents: SessionEvents;

  constructor(private readonly opts: SwarmOptions) {
    this.swarmIdBytes = base64UrlToBytes(opts.swarmId);
    this.localPeerIdBytes = hexToBytes(opts.localPeerId);
    this.downloadRate = new RateMeter(opts.now);
    this.uploadRate = new RateMeter(opts.now);
    this.sessionEvents = this.makeSessionEvents();
    if (opts.manifest) this.adoptManifest(opts.manifest, opts.storedPieces ?? []);
  }

  get swarmId(): SwarmId {
    return this.opts.swarmId;
  }

  get complete(): boolean {
    return this.have?.isComplete() ?? false;
  }

  get piecesVerified(): number {
    return this.have?.count() ?? 0;
  }

  hasPiece(index: PieceIndex): boolean {
    return this.have?.has(index) ?? false;
  }

  connectedPeers(): PeerId[] {
    return [...this.sessions.keys()];
  }

  isBanned(peer: PeerId): boolean {
    return this.banned.has(peer);
  }

  /** Runs the protocol over a fresh channel; the handshake names the peer. */
  addChannel(channel: Channel): void {
    if (this.destroyed) {
      channel.close();
      return;
    }
    const session = new PeerSession(channel, {
      swarmId: this.swarmIdBytes,
      localPeerId: this.localPeerIdBytes,
      events: this.sessionEvents,
      readBlock: (request) => this.readBlock(request),
      isValidRequest: (request) => this.isValidRequest(request),
      now: this.opts.now,
    });
    if (session.state !== 'closed') this.handshaking.add(session);
  }

  /** Stops asking for pieces (e.g. storage is full); uploads continue. */
  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    for (const session of this.sessions.values()) this.schedule(session);
  }

  get isPaused(): boolean {
    return this.paused;
  }

  /** Periodic work: request timeouts, keepalives, dead peers. Call about once a second. */
  tick(): void {
    const now = this.opts.now();
    const timeoutMs = this.opts.requestTimeoutMs ?? 20_000;
    const keepaliveMs = this.opts.keepaliveMs ?? 4_000;
    const deadPeerMs = this.opts.deadPeerMs ?? 15_000;
    for (const session of [...this.handshaking, ...this.sessions.values()]) {
      if (now - session.lastReceivedAt > deadPeerMs) {
        session.close('timeout', `silent for ${now - session.lastReceivedAt} ms`);
        continue;
      }
      if (now - session.lastSentAt > keepaliveMs) session.ping();
      for (const request of [...session.inflight.values()]) {
        if (now - request.sentAt <= timeoutMs) continue;
        session.forget(request);
        this.active.get(request.index)?.release(request.begin, session.remotePeerId!);
        this.requestsTimedOut++;
      }
    }
    for (const session of this.sessions.values()) this.schedule(session);
  }

  stats(): SwarmStats {
    return {
      peers: [...this.sessions.values()].map((s) => ({
        peerId: s.remotePeerId!,
        bytesDownloaded: s.downloadRate.total,
        bytesUploaded: s.uploadRate.total,
        downloadBytesPerSecond: s.downloadRate.bytesPerSecond(),
        uploadBytesPerSecond: s.uploadRate.bytesPerSecond(),
        requestsInFlight: s.inflight.size,
        piecesAvailable:
          s.remotePieces === 'all' ? (this.picker?.pieceCount ?? 0) : (s.remotePieces?.count() ?? 0),
      })),
      bytesDownloaded: this.downloadRate.total,
      bytesUploaded: this.uploadRate.total,
      downloadBytesPerSecond: this.downloadRate.bytesPerSecond(),
      uploadBytesPerSecond: this.uploadRate.bytesPerSecond(),
      piecesVerified: this.piecesVerified,
      piecesFailed: this.piecesFailed,
      pieceCount: this.picker?.pieceCount ?? 0,
      duplicateBytes: this.duplicateBytes,
      requestsTimedOut: this.requestsTimedOut,
    };
  }

  destroy(): void {
    this.destroyed = true;
    for (const session of [...this.handshaking, ...this.sessions.values()]) session.close('local');
  }

  private makeSessionEvents(): SessionEvents {
    return {
      handshaked: (s) => this.onHandshaked(s),
      metadataRequested: (s) => {
        if (this.encodedManifest) s.sendMetadata(this.encodedManifest);
        else s.rejectMetadata();
      },
      metadataChunkReceived: (s, total, offset, bytes) => void this.onMetadataChunk(s, total, offset, bytes),
      metadataRejected: (s) => this.metadata.delete(s),
      piecesAnnounced: (s) => {
        this.picker?.addPeer(s.remotePeerId!, s.remotePieces!);
        this.schedule(s);
      },
      haveReceived: (s, index) => {
        const picker = this.picker;
        if (!picker) return;
        if (picker.knowsPeer(s.remotePeerId!)) picker.peerHas(s.remotePeerId!, index);
        else picker.addPeer(s.remotePeerId!, s.remotePieces!);
        this.schedule(s);
      },
      blockReceived: (s, index, begin, data) => this.onBlock(s, index, begin, data),
      requestRejected: (s, request) => {
        this.active.get(request.index)?.release(request.begin, s.remotePeerId!);
      },
      uploaded: (_s, bytes) => this.uploadRate.add(bytes),
      closed: (s, error) => this.onSessionClosed(s, error),
    };
  }

  private onHandshaked(session: PeerSession): void {
    this.handshaking.delete(session);
    const peer = session.remotePeerId!;
    if (this.banned.has(peer)) {
      session.close('banned');
      return;
    }
    if (this.sessions.has(peer)) {
      session.close('duplicate');
      return;
    }
    this.sessions.set(peer, session);
    this.events.emit('peerJoined', peer);
    if (this.manifest && this.have) {
      session.setPieceCount(pieceCount(this.manifest));
      session.announcePieces(this.have);
    } else {
      this.metadata.set(session, new MetadataAssembler());
      session.requestMetadata();
    }
  }

  private async onMetadataChunk(
    session: PeerSession,
    totalBytes: number,
    offset: number,
    bytes: Uint8Array,
  ): Promise<void> {
    const assembler = this.metadata.get(session);
    if (!assembler || this.manifest) return;
    const encoded = assembler.add(totalBytes, offset, bytes);
    if (encoded === 'bad') return this.rejectManifest(session, 'inconsistent metadata chunks');
    if (encoded === null) return;
    this.metadata.delete(session);
    const digest = await this.opts.hash(encoded);
    if (this.manifest || this.destroyed) return;
    if (!bytesEqual(digest, this.swarmIdBytes)) return this.rejectManifest(session, 'hash mismatch');
    let manifest: Manifest;
    try {
      manifest = decodeManifest(encoded);
    } catch (error) {
      if (!(error instanceof ManifestError)) throw error;
      return this.rejectManifest(session, `${error.code}: ${error.message}`);
    }
    this.adoptManifest(manifest, []);
    this.events.emit('manifestReceived', manifest);
  }

  private rejectManifest(session: PeerSession, reason: string): void {
    this.metadata.delete(session);
    const peer = session.remotePeerId!;
    this.banned.add(peer);
    this.events.emit('manifestRejected', peer, reason);
    session.close('banned', `bad manifest: ${reason}`);
  }

  private adoptManifest(manifest: Manifest, stored: Iterable<PieceIndex>): void {
    const count = pieceCount(manifest);
    this.manifest = manifest;
    this.encodedManifest = encodeManifest(manifest);
    this.have = new Bitfield(count);
    this.picker = new PiecePicker(count, this.opts.random);
    for (const index of stored) {
      this.have.set(index);
      this.picker.markVerified(index);
    }
    this.metadata.clear();
    for (const session of this.sessions.values()) {
      session.setPieceCount(count);
      session.announcePieces(this.have);
    }
  }

  private pipelineDepth(session: PeerSession): number {
    const wanted = Math.ceil((session.downloadRate.bytesPerSecond() * PIPELINE_SECONDS) / BLOCK_BYTES);
    return Math.max(MIN_PIPELINE_BLOCKS, Math.min(MAX_PIPELINE_BLOCKS, wanted));
  }

  private schedule(session: PeerSession): void {
    if (this.paused || this.destroyed || !this.picker || this.picker.complete) return;
    if (session.state !== 'open' || session.remotePieces === null) return;
    const depth = this.pipelineDepth(session);
    while (session.inflight.size < depth) {
      const request = this.nextRequest(session, depth - session.inflight.size);
      if (!request) return;
      this.active.get(request.index)!.markAsked(request.begin, session.remotePeerId!);
      session.request(request);
    }
  }

  private nextRequest(session: PeerSession, room: number): BlockRequest | null {
    const peer = session.remotePeerId!;
    const offers = (index: PieceIndex) => {
      const pieces = session.remotePieces;
      return pieces === 'all' || (pieces !== null && pieces.has(index));
    };
    for (const download of this.active.values()) {
      if (!offers(download.index) || this.avoids(download.index, peer)) continue;
      const request = download.nextBlock(peer, false, 1);
      if (request) return request;
    }
    const manifest = this.manifest!;
    const picks = this.picker!.pick(session.remotePieces!, Math.ceil((room * BLOCK_BYTES) / manifest.pieceLength), {
      order: this.opts.order ?? 'rarest',
      skip: (i) => this.active.has(i) || this.verifying.has(i) || this.avoids(i, peer),
    });
    for (const index of picks) this.active.set(index, new PieceDownload(index, pieceBytes(manifest, index)));
    if (picks.length > 0) return this.active.get(picks[0])!.nextBlock(peer, false, 1);
    // Endgame: nothing left to start, so duplicate outstanding blocks to finish sooner.
    for (const download of this.active.values()) {
      if (!offers(download.index)) continue;
      const request = download.nextBlock(peer, true, ENDGAME_MAX_ASKS);
      if (request) return request;
    }
    return null;
  }

  /** Avoid a peer for a piece it sent bad data for, unless nobody else has that piece. */
  private avoids(index: PieceIndex, peer: PeerId): boolean {
    const avoided = this.avoid.get(index);
    if (!avoided?.has(peer)) return false;
    return this.picker!.availabilityOf(index) > avoided.size;
  }

  private onBlock(session: PeerSession, index: PieceIndex, begin: number, data: Uint8Array): void {
    this.downloadRate.add(data.byteLength);
    const download = this.active.get(index);
    const peer = session.remotePeerId!;
    const duplicatesAskedOf = download?.accept(begin, data, peer) ?? null;
    if (duplicatesAskedOf === null) {
      this.duplicateBytes += data.byteLength;
    } else {
      for (const other of duplicatesAskedOf) {
        this.sessions.get(other)?.cancel({ index, begin, length: data.byteLength });
      }
      if (download!.complete) {
        this.active.delete(index);
        void this.verify(download!);
      }
    }
    this.schedule(session);
  }

  private async verify(download: PieceDownload): Promise<void> {
    const { index } = download;
    this.verifying.add(index);
    const digest = await this.opts.hash(download.buffer);
    if (this.destroyed) return;
    if (!bytesEqual(digest, pieceHash(this.manifest!, index))) {
      this.verifying.delete(index);
      this.onPieceFailed(download);
      return;
    }
    try {
      await this.opts.store.put(index, download.buffer);
    } catch (error) {
      this.verifying.delete(index);
      if (!(error instanceof StorageError)) throw error;
      this.pause();
      this.events.emit('storageFailed', error);
      return;
    }
    this.verifying.delete(index);
    if (this.destroyed || this.have!.has(index)) return;
    this.have!.set(index);
    this.picker!.markVerified(index);
    this.avoid.delete(index);
    for (const session of this.sessions.values()) {
      const pieces = session.remotePieces;
      if (pieces !== 'all' && !pieces?.has(index)) session.announceHave(index);
    }
    this.events.emit('pieceVerified', index);
    if (this.have!.isComplete()) this.events.emit('completed');
  }

  private onPieceFailed(download: PieceDownload): void {
    this.piecesFailed++;
    const senders = [...download.senders];
    let avoided = this.avoid.get(download.index);
    if (!avoided) this.avoid.set(download.index, (avoided = new Set()));
    for (const peer of senders) {
      avoided.add(peer);
      const failures = (this.failures.get(peer) ?? 0) + 1;
      this.failures.set(peer, failures);
      if (failures >= (this.opts.maxPieceFailures ?? 3)) this.ban(peer);
    }
    this.events.emit('pieceFailed', download.index, senders);
    for (const session of this.sessions.values()) this.schedule(session);
  }

  private ban(peer: PeerId): void {
    if (this.banned.has(peer)) return;
    this.banned.add(peer);
    this.events.emit('peerBanned', peer);
    this.sessions.get(peer)?.close('banned', 'sent pieces that failed verification');
  }

  private onSessionClosed(session: PeerSession, error: SessionClosedError): void {
    this.handshaking.delete(session);
    this.metadata.delete(session);
    const peer = session.remotePeerId;
    if (peer === null || this.sessions.get(peer) !== session) return;
    this.sessions.delete(peer);
    this.picker?.removePeer(peer);
    for (const request of session.inflight.values()) this.active.get(request.index)?.release(request.begin, peer);
    this.events.emit('peerLeft', peer, error.reason);
    for (const other of this.sessions.values()) this.schedule(other);
  }

  private isValidRequest(request: BlockRequest): boolean {
    if (!this.manifest) return true;
    if (request.index >= pieceCount(this.manifest)) return false;
    const length = pieceBytes(this.manifest, request.index);
    return (
      request.begin % BLOCK_BYTES === 0 &&
      request.begin < length &&
      request.length === Math.min(BLOCK_BYTES, length - request.begin)
    );
  }

  private async readBlock(request: BlockRequest): Promise<Uint8Array | null> {
    if (!this.have?.has(request.index)) return null;
    let piece = this.pieceCache.get(request.index);
    if (!piece) {
      piece = this.opts.store.get(request.index);
      this.pieceCache.set(request.index, piece);
      if (this.pieceCache.size > PIECE_CACHE_SIZE) {
        this.pieceCache.delete(this.pieceCache.keys().next().value!);
      }
    }
    const bytes = await piece;
    if (!bytes) {
      this.pieceCache.delete(request.index);
      return null;
    }
    return bytes.subarray(request.begin, request.begin + request.length);
  }
}
