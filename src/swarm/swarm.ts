import { Bitfield } from '../chunks/bitfield.ts';
import {
  encodeManifest,
  pieceBytes,
  pieceCount,
  pieceHash,
  type Manifest,
  type SwarmId,
} from '../chunks/manifest.ts';
import { StorageError } from '../chunks/piece-store.ts';
import { decodeBase64url } from '../chunks/base64url.ts';
import { hashNamesManifest, type MetadataCheck } from '../chunks/metadata-check.ts';
import { bytesEqual } from '../chunks/sha256.ts';
import type { Channel } from './channel.ts';
import { Blame } from './blame.ts';
import { Emitter } from './emitter.ts';
import { hexToBytes } from './ids.ts';
import { MetadataFetch } from './metadata-fetch.ts';
import {
  PeerSession,
  type BlockRequest,
  type SessionClosedError,
  type SessionEvents,
} from './peer-session.ts';
import type { PieceDownload } from './piece-download.ts';
import { PiecePicker, type PeerId, type PieceIndex } from './picker.ts';
import { PieceMapTracker, type PieceMap } from './piece-map.ts';
import { RateLimiter } from './rate-limiter.ts';
import { RateMeter } from './rate-meter.ts';
import { RequestScheduler, type ScheduleContext } from './request-scheduler.ts';
import type { SwarmEvents, SwarmOptions } from './swarm-options.ts';
import { peerStats, type SwarmStats } from './swarm-stats.ts';
import { Uploader } from './uploader.ts';
import { BLOCK_BYTES } from './wire.ts';

const DEFAULT_UPLOAD_SLOTS = 4;
const DEFAULT_RECHOKE_MS = 10_000;
/**
 * Manifests a peer hands out per second (a burst of this many, then at this
 * rate); more requests are refused and go to peers that already have it. In
 * a 100-peer simulated flash crowd of a 4 MiB file the seed spent 0.36 s of
 * its uplink on 45 of them before its first piece went out. Ratio to the
 * fluid bound, mean of seeds 1-3: no limit 1.538, 8 a second 1.525, 4 1.484,
 * 2 1.477, 1 1.505. Four, so a few browsers that open a link together are
 * all served at once.
 */
const MANIFESTS_PER_SECOND = 4;

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
  private pieceMapTracker: PieceMapTracker | null = null;
  private readonly swarmIdBytes: Uint8Array;
  private readonly acceptMetadata: MetadataCheck;
  private readonly localPeerIdBytes: Uint8Array;
  /** Sessions before their handshake, with the peer the caller expects (if it knows). */
  private readonly handshaking = new Map<PeerSession, PeerId | undefined>();
  private readonly sessions = new Map<PeerId, PeerSession>();
  private readonly metadata: MetadataFetch<PeerSession>;
  /** Counts manifests, not bytes: each peer hands out a few a second, and the rest fetch from those. */
  private readonly manifestsServed: RateLimiter;
  private readonly requests: RequestScheduler;
  private readonly blame: Blame;
  private readonly banned = new Set<PeerId>();
  private readonly uploader: Uploader;
  private readonly downloadLimiter: RateLimiter | null;
  private lastRechokeAt: number;
  /** Complete from the start (the sharer): the peer whose upload a new swarm waits on. */
  private readonly sourceSeed: boolean;
  private readonly downloadRate: RateMeter;
  private readonly uploadRate: RateMeter;
  private piecesFailed = 0;
  private duplicateBytes = 0;
  private requestsTimedOut = 0;
  private paused = false;
  private destroyed = false;
  private readonly sessionEvents: SessionEvents;

  constructor(private readonly opts: SwarmOptions) {
    const swarmIdBytes = decodeBase64url(opts.swarmId);
    if (swarmIdBytes === null) throw new RangeError(`not a swarm id: ${opts.swarmId}`);
    this.swarmIdBytes = swarmIdBytes;
    this.acceptMetadata = opts.acceptMetadata ?? hashNamesManifest(swarmIdBytes, opts.hash);
    this.localPeerIdBytes = hexToBytes(opts.localPeerId);
    this.downloadRate = new RateMeter(opts.now);
    this.uploadRate = new RateMeter(opts.now);
    this.blame = new Blame(opts.maxPieceFailures ?? 3);
    this.requests = new RequestScheduler(opts.order ?? 'rarest');
    this.uploader = new Uploader({
      store: opts.store,
      now: opts.now,
      random: opts.random,
      uploadSlots: opts.uploadSlots ?? DEFAULT_UPLOAD_SLOTS,
      uploadBytesPerSecond: opts.uploadBytesPerSecond,
      corruptUploads: opts.corruptUploads,
      // Not the source seed: it holds back repeats.
      offerable: () => (this.sourceSeed || !this.have ? null : { pieces: this.have, availability: (i) => this.picker!.availabilityOf(i) }),
    });
    this.downloadLimiter = opts.downloadBytesPerSecond ? new RateLimiter(opts.now, opts.downloadBytesPerSecond) : null;
    this.lastRechokeAt = opts.now();
    this.metadata = new MetadataFetch({ now: opts.now, random: opts.random });
    this.manifestsServed = new RateLimiter(opts.now, MANIFESTS_PER_SECOND);
    this.sessionEvents = this.makeSessionEvents();
    if (opts.manifest) this.adoptManifest(opts.manifest, opts.metadata ?? encodeManifest(opts.manifest), opts.storedPieces ?? []);
    this.sourceSeed = this.complete;
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

  /** Peers with an open session or one still handshaking (so nobody dials them twice). */
  connectedPeers(): PeerId[] {
    const peers = [...this.sessions.keys()];
    for (const expected of this.handshaking.values()) if (expected !== undefined) peers.push(expected);
    return peers;
  }

  isBanned(peer: PeerId): boolean {
    return this.banned.has(peer);
  }

  /**
   * Runs the protocol over a fresh channel; the handshake names the peer.
   * `expectedPeer` is who signaling said is on the other end: a handshake
   * naming anyone else is refused.
   */
  addChannel(channel: Channel, expectedPeer?: PeerId): void {
    if (this.destroyed) {
      channel.close();
      return;
    }
    const session: PeerSession = new PeerSession(channel, {
      swarmId: this.swarmIdBytes,
      localPeerId: this.localPeerIdBytes,
      events: this.sessionEvents,
      readBlock: (request) => this.readBlock(session, request),
      isValidRequest: (request) => this.uploader.isValidRequest(this.manifest, request),
      mayUpload: (bytes) => this.uploader.mayUpload(session, bytes, this.sessions.values()),
      servesWhileChoking: (request) => this.uploader.servesWhileChoking(session.remotePeerId!, request.index),
      // Rarest first: a piece few neighbours hold is what spreads the swarm's supply.
      uploadPriority: (index) => this.picker?.availabilityOf(index) ?? 0,
      yieldToPage: this.opts.yieldToPage,
      now: this.opts.now,
    });
    if (session.state !== 'closed') this.handshaking.set(session, expectedPeer);
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

  /** Fetch pieces [from, to) first and in order (a player's next seconds); null clears it. */
  setCriticalRange(range: { from: PieceIndex; to: PieceIndex } | null): void {
    this.requests.critical = range ?? undefined;
    for (const session of this.sessions.values()) this.schedule(session);
  }

  /** Periodic work: request timeouts, keepalives, dead peers, upload slots, rate-limited resumes. Call about once a second. */
  tick(): void {
    const now = this.opts.now();
    const timeoutMs = this.opts.requestTimeoutMs ?? 20_000;
    const keepaliveMs = this.opts.keepaliveMs ?? 4_000;
    const deadPeerMs = this.opts.deadPeerMs ?? 15_000;
    for (const session of [...this.handshaking.keys(), ...this.sessions.values()]) {
      if (now - session.lastReceivedAt > deadPeerMs) {
        session.close('timeout', `silent for ${now - session.lastReceivedAt} ms`);
        continue;
      }
      if (now - session.lastSentAt > keepaliveMs) session.ping();
      this.requestsTimedOut += this.requests.expire(session, now, timeoutMs);
    }
    this.askForMetadata();
    this.requests.refused.clear();
    if (now - this.lastRechokeAt >= (this.opts.rechokeIntervalMs ?? DEFAULT_RECHOKE_MS)) {
      this.lastRechokeAt = now;
      this.uploader.rechoke(this.sessions.values(), this.complete, true);
    }
    for (const session of this.sessions.values()) {
      session.resumeUploads();
      this.schedule(session);
    }
    this.uploader.useSpareUplink(this.sessions);
  }

  stats(): SwarmStats {
    return {
      peers: [...this.sessions.values()].map((s) => peerStats(s, this.picker?.pieceCount ?? 0)),
      bytesDownloaded: this.downloadRate.total,
      bytesUploaded: this.uploadRate.total,
      downloadBytesPerSecond: this.downloadRate.bytesPerSecond(),
      uploadBytesPerSecond: this.uploadRate.bytesPerSecond(),
      piecesVerified: this.piecesVerified,
      piecesFailed: this.piecesFailed,
      pieceCount: this.picker?.pieceCount ?? 0,
      duplicateBytes: this.duplicateBytes,
      requestsTimedOut: this.requestsTimedOut,
      bannedPeers: [...this.banned],
    };
  }

  /** Every piece's state for the piece map; null until the manifest is known. */
  pieceMap(): PieceMap | null {
    const picker = this.picker;
    if (!picker || !this.pieceMapTracker) return null;
    const requests = this.requests;
    return this.pieceMapTracker.refresh({
      hasPiece: (i) => picker.hasPiece(i),
      isDownloading: (i) => requests.active.has(i) || requests.verifying.has(i),
      availabilityOf: (i) => picker.availabilityOf(i),
    });
  }

  destroy(): void {
    this.destroyed = true;
    for (const session of [...this.handshaking.keys(), ...this.sessions.values()]) session.close('local');
  }

  private makeSessionEvents(): SessionEvents {
    return {
      handshaked: (s) => this.onHandshaked(s),
      metadataRequested: (s) => {
        if (this.encodedManifest && this.manifestsServed.take(1)) s.sendMetadata(this.encodedManifest);
        else s.rejectMetadata();
      },
      metadataChunkReceived: (s, total, offset, bytes) => void this.onMetadataChunk(s, total, offset, bytes),
      metadataRejected: (s) => {
        this.metadata.refused(s);
        this.askForMetadata();
      },
      piecesAnnounced: (s) => {
        this.picker?.addPeer(s.remotePeerId!, s.remotePieces!);
        this.uploader.piecesSeen(s.remotePieces!);
        this.updateInterest(s);
        this.schedule(s);
      },
      // Interest goes out while the manifest is still on its way, so the unchoke can arrive
      // with it and the first request leave at once (not after a round trip and a page render).
      announcedBeforeManifest: (s, hasPieces) => {
        if (this.manifest) return;
        if (hasPieces) s.setInterested(true);
        this.askForMetadata();
      },
      haveReceived: (s, index) => {
        const picker = this.picker;
        if (!picker) return;
        if (picker.knowsPeer(s.remotePeerId!)) picker.peerHas(s.remotePeerId!, index);
        else picker.addPeer(s.remotePeerId!, s.remotePieces!);
        this.uploader.pieceSeen(index, s.remotePeerId!);
        if (!picker.hasPiece(index)) s.setInterested(true);
        this.schedule(s);
      },
      fastOfferReceived: (s, index) => {
        if (this.picker && this.requests.offered(s.remotePeerId!, index, this.picker)) this.schedule(s);
      },
      chokeChanged: (s) => {
        this.requests.dropOffers(s.remotePeerId!);
        this.schedule(s);
      },
      interestChanged: (s) => {
        // A slot changes hands at once when its holder stops wanting it or a newcomer finds one free,
        // not at the next periodic rechoke (in the simulator: 100 peers 1.68 → 1.65 of the bound).
        const slotLeft = !s.peerInterested && !s.amChoking;
        const slotWanted = s.peerInterested && s.amChoking && this.uploader.hasFreeSlot(this.sessions.values());
        if (slotLeft || slotWanted) {
          this.uploader.rechoke(this.sessions.values(), this.complete, false);
        }
      },
      blockReceived: (s, index, begin, data) => this.onBlock(s, index, begin, data),
      requestRejected: (s, request) => this.requests.rejected(s, request),
      uploaded: (_s, bytes) => {
        this.uploadRate.add(bytes);
        this.uploader.useSpareUplink(this.sessions);
      },
      closed: (s, error) => this.onSessionClosed(s, error),
    };
  }

  private onHandshaked(session: PeerSession): void {
    const expected = this.handshaking.get(session);
    this.handshaking.delete(session);
    const peer = session.remotePeerId!;
    if (expected !== undefined && expected !== peer) {
      session.close('protocol-error', `handshake names ${peer.slice(0, 8)}, signaling said ${expected.slice(0, 8)}`);
      return;
    }
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
      this.metadata.askNewcomer(session);
    }
  }

  private askForMetadata(): void {
    if (!this.manifest) this.metadata.askNext(this.sessions.values());
  }

  private async onMetadataChunk(
    session: PeerSession,
    totalBytes: number,
    offset: number,
    bytes: Uint8Array,
  ): Promise<void> {
    const assembler = this.metadata.assemblerOf(session);
    if (!assembler || this.manifest) return;
    const encoded = assembler.add(totalBytes, offset, bytes);
    if (encoded === 'bad') return this.rejectManifest(session, 'inconsistent metadata chunks');
    if (encoded === null) return;
    this.metadata.finished(session);
    const manifest = await this.acceptMetadata(encoded);
    if (this.manifest || this.destroyed) return;
    if ('reason' in manifest) return this.rejectManifest(session, manifest.reason);
    // Served on as received: a private share's envelope, which a relay cannot re-create.
    this.adoptManifest(manifest, encoded, []);
    // Before the sessions hear of it: a listener may set a critical range before the first request.
    this.events.emit('manifestReceived', manifest);
    this.announceToSessions();
  }

  private rejectManifest(session: PeerSession, reason: string): void {
    this.metadata.finished(session);
    const peer = session.remotePeerId!;
    this.banned.add(peer);
    this.events.emit('manifestRejected', peer, reason);
    session.close('banned', `bad manifest: ${reason}`);
  }

  private adoptManifest(manifest: Manifest, metadata: Uint8Array, stored: Iterable<PieceIndex>): void {
    const count = pieceCount(manifest);
    this.manifest = manifest;
    this.encodedManifest = metadata;
    this.have = new Bitfield(count);
    this.uploader.setPieceCount(count, (index) => Math.ceil(pieceBytes(manifest, index) / BLOCK_BYTES));
    this.picker = new PiecePicker(count, this.opts.random);
    this.pieceMapTracker = new PieceMapTracker(count);
    for (const index of stored) {
      this.have.set(index);
      this.picker.markVerified(index);
    }
    this.metadata.clear();
  }

  /** Tells each session how many pieces there are (which decodes what it was sent early) and what we hold. */
  private announceToSessions(): void {
    const count = pieceCount(this.manifest!);
    for (const session of this.sessions.values()) {
      session.setPieceCount(count);
      session.announcePieces(this.have!);
    }
  }

  private updateInterest(session: PeerSession): void {
    if (!this.picker || session.remotePieces === null) return;
    session.setInterested(this.picker.offersMissing(session.remotePieces));
  }

  private schedule(session: PeerSession): void {
    if (this.paused || this.destroyed || !this.picker || this.picker.complete) return;
    if (session.state !== 'open' || session.remotePieces === null) return;
    const ctx: ScheduleContext = {
      manifest: this.manifest!,
      picker: this.picker,
      piecesVerified: this.piecesVerified,
      requestsInFlight: () => {
        let n = 0;
        for (const s of this.sessions.values()) n += s.inflight.size;
        return n;
      },
    };
    const limiter = this.downloadLimiter;
    const batch = this.requests.fill(session, ctx, (bytes) => limiter?.take(bytes) ?? true);
    if (batch === null) {
      // Nothing to ask this peer for: maybe it has nothing we lack any more.
      if (session.inflight.size === 0) this.updateInterest(session);
      return;
    }
    if (batch.length > 0) session.request(batch);
  }

  private onBlock(session: PeerSession, index: PieceIndex, begin: number, data: Uint8Array): void {
    this.downloadRate.add(data.byteLength);
    const download = this.requests.active.get(index);
    const peer = session.remotePeerId!;
    const duplicatesAskedOf = download?.accept(begin, data, peer) ?? null;
    if (duplicatesAskedOf === null) {
      this.duplicateBytes += data.byteLength;
    } else {
      for (const other of duplicatesAskedOf) {
        this.sessions.get(other)?.cancel({ index, begin, length: data.byteLength });
      }
      if (download!.complete) {
        this.requests.active.delete(index);
        void this.verify(download!);
      }
    }
    this.schedule(session);
  }

  private async verify(download: PieceDownload): Promise<void> {
    const { index } = download;
    this.requests.verifying.add(index);
    const digest = await this.opts.hash(download.buffer);
    if (this.destroyed) return;
    if (!bytesEqual(digest, pieceHash(this.manifest!, index))) {
      this.requests.verifying.delete(index);
      this.onPieceFailed(download);
      return;
    }
    try {
      await this.opts.store.put(index, download.buffer);
    } catch (error) {
      this.requests.verifying.delete(index);
      if (!(error instanceof StorageError)) throw error;
      this.pause();
      this.events.emit('storageFailed', error);
      return;
    }
    this.requests.verifying.delete(index);
    if (this.destroyed || this.have!.has(index)) return;
    this.have!.set(index);
    this.picker!.markVerified(index);
    this.requests.avoid.delete(index);
    for (const liar of this.blame.pieceVerified(index, download.buffer)) this.ban(liar, 'sent blocks that differ from the verified piece');
    this.requests.recycle(download);
    // Every peer hears it, seeds and holders too: the source seed's hold-back lapses only once some
    // peer announces each piece, and a neighbour offering us pieces must know we have this one
    // (told only peers that lacked it, three in four allowed-fast offers were of pieces we had).
    for (const session of this.sessions.values()) session.announceHave(index);
    this.events.emit('pieceVerified', index);
    this.uploader.useSpareUplink(this.sessions);
    if (!this.have!.isComplete()) return;
    for (const session of this.sessions.values()) session.setInterested(false);
    this.events.emit('completed');
  }

  private onPieceFailed(download: PieceDownload): void {
    this.piecesFailed++;
    const senders = [...download.senders];
    let avoided = this.requests.avoid.get(download.index);
    if (!avoided) this.requests.avoid.set(download.index, (avoided = new Set()));
    for (const peer of senders) {
      avoided.add(peer);
      const session = this.sessions.get(peer);
      if (session) session.failedPieces++;
    }
    for (const peer of this.blame.pieceFailed(download)) this.ban(peer);
    this.events.emit('pieceFailed', download.index, senders);
    for (const session of this.sessions.values()) this.schedule(session);
  }

  private ban(peer: PeerId, why = 'sent pieces that failed verification'): void {
    if (this.banned.has(peer)) return;
    this.banned.add(peer);
    this.events.emit('peerBanned', peer);
    this.sessions.get(peer)?.close('banned', why);
  }

  private onSessionClosed(session: PeerSession, error: SessionClosedError): void {
    this.handshaking.delete(session);
    this.metadata.finished(session);
    const peer = session.remotePeerId;
    if (peer === null || this.sessions.get(peer) !== session) return;
    this.sessions.delete(peer);
    this.picker?.removePeer(peer);
    this.uploader.peerLeft(peer, (index) => (this.picker?.availabilityOf(index) ?? 0) > 0);
    this.requests.peerLeft(session);
    this.events.emit('peerLeft', peer, error.reason);
    this.askForMetadata();
    for (const other of this.sessions.values()) this.schedule(other);
  }

  /** The block to send, or null to refuse it (the peer then asks someone else at once). */
  private async readBlock(session: PeerSession, request: BlockRequest): Promise<Uint8Array | null> {
    if (!this.have?.has(request.index)) return null;
    // Only the original source holds back repeats. A peer that finished downloading must serve
    // everything: once the source is gone it may be the only holder of a piece.
    if (!this.uploader.claim(session.remotePeerId!, request, this.sourceSeed)) return null;
    try {
      return await this.uploader.readBlock(request);
    } catch (error) {
      if (!(error instanceof StorageError)) throw error;
      this.events.emit('readFailed', error);
      return null;
    }
  }
}
