import { pieceBytes, type Manifest } from '../chunks/manifest.ts';
import { BufferPool } from './buffer-pool.ts';
import type { BlockRequest, PeerSession } from './peer-session.ts';
import { PieceDownload } from './piece-download.ts';
import type { PeerId, PiecePicker, PieceIndex } from './picker.ts';
import { BLOCK_BYTES } from './wire.ts';

const MIN_PIPELINE_BYTES = 64 * 1024;
/**
 * However slow a peer has been so far, a whole piece (up to this many bytes)
 * may be in flight to it: a piece then comes in one round trip, not one per
 * few blocks. Most of all the first: before the rate is known the pipeline was
 * 64 KiB, and a 256 KiB piece took four round trips through two busy pages.
 */
const WHOLE_PIECE_MAX_BYTES = 1024 * 1024;
const MAX_PIPELINE_BYTES = 4 * 1024 * 1024;
/** Keep about this much of a peer's measured rate in flight. */
const PIPELINE_SECONDS = 0.5;
const ENDGAME_MAX_ASKS = 2;
/** Pieces picked at random before rarest-first takes over. */
const RANDOM_FIRST_PIECES = 4;
/**
 * Bytes past the pipeline depth a peer may be asked for when they belong to
 * pieces no other neighbour has: a rare piece should not wait for a pipeline
 * slot (100-peer flash crowd 1.70 / 1.72 → 1.68 / 1.68 of the fluid bound, two seeds).
 */
const RARE_EXTRA_BYTES = 128 * 1024;
/** A pipeline is topped up once this share of it is free (at least one block), so one request message names many blocks. */
const REFILL_FRACTION = 1 / 4;
/** Offered pieces held per choking peer; more offers from it are ignored, so a peer cannot pile them up. */
const MAX_OFFERS_HELD = 4;
/** Stored pieces' buffers kept for the next pieces: a few pieces under way at full pipeline. */
const MAX_SPARE_BUFFER_BYTES = 4 * 1024 * 1024;

/** What the scheduler reads from the swarm on each call. */
export interface ScheduleContext {
  manifest: Manifest;
  picker: PiecePicker;
  piecesVerified: number;
  requestsInFlight: () => number;
}

/**
 * Which block to ask a peer for next: pieces under way first, then new ones
 * from the picker (random first pieces, then rarest-first or in order, with
 * a critical range ahead of all), then endgame duplicates once every missing
 * piece is under way. Holds the per-piece download state the swarm fills.
 */
export class RequestScheduler {
  readonly active = new Map<PieceIndex, PieceDownload>();
  readonly verifying = new Set<PieceIndex>();
  /** Peers whose copy of a piece failed verification: fetch it elsewhere if anyone else has it. */
  readonly avoid = new Map<PieceIndex, Set<PeerId>>();
  /** Per peer, the pieces it refused since the last tick: ask for something else meanwhile. */
  readonly refused = new Map<PeerId, Set<PieceIndex>>();
  /** Pieces choking peers offered us (allowed-fast) that we took up, per peer. */
  private readonly fastOffers = new Map<PeerId, Set<PieceIndex>>();
  critical: { from: PieceIndex; to: PieceIndex } | undefined;

  private readonly buffers = new BufferPool(MAX_SPARE_BUFFER_BYTES);

  constructor(private readonly order: 'rarest' | 'sequential') {}

  /** The piece is stored (the store copied it) and nothing reads its buffer any more: the next piece may use it. */
  recycle(download: PieceDownload): void {
    this.buffers.give(download.buffer);
  }

  private start(index: PieceIndex, manifest: Manifest): PieceDownload {
    const download = new PieceDownload(index, pieceBytes(manifest, index), (length) => this.buffers.take(length));
    this.active.set(index, download);
    return download;
  }

  refuse(peer: PeerId, index: PieceIndex): void {
    let pieces = this.refused.get(peer);
    if (!pieces) this.refused.set(peer, (pieces = new Set()));
    pieces.add(index);
  }

  /**
   * A choking peer offered a piece. Taken up only if we are not fetching it
   * already (else the offer would only move a download from one uplink to
   * another); returns whether it was.
   */
  offered(peer: PeerId, index: PieceIndex, picker: PiecePicker): boolean {
    if (picker.hasPiece(index) || this.active.has(index) || this.verifying.has(index)) return false;
    let offers = this.fastOffers.get(peer);
    if (!offers) this.fastOffers.set(peer, (offers = new Set()));
    if (offers.size >= MAX_OFFERS_HELD) return false;
    offers.add(index);
    return true;
  }

  /** The peer choked or unchoked us: its offers lapse. */
  dropOffers(peer: PeerId): void {
    this.fastOffers.delete(peer);
  }

  /** The session closed: its requests go back to the pool and its offers lapse. */
  peerLeft(session: PeerSession): void {
    const peer = session.remotePeerId!;
    for (const request of session.inflight.values()) this.active.get(request.index)?.release(request.begin, peer);
    this.dropOffers(peer);
  }

  /** Forgets requests to `session` older than `timeoutMs` (a late block is still taken); returns how many. */
  expire(session: PeerSession, now: number, timeoutMs: number): number {
    let expired = 0;
    for (const request of [...session.inflight.values()]) {
      if (now - request.sentAt <= timeoutMs) continue;
      session.forget(request);
      this.active.get(request.index)?.release(request.begin, session.remotePeerId!);
      expired++;
    }
    return expired;
  }

  /** The peer will not send the block: ask someone else, and do not re-ask a choking peer for that piece. */
  rejected(session: PeerSession, request: BlockRequest): void {
    const peer = session.remotePeerId!;
    this.active.get(request.index)?.release(request.begin, peer);
    if (session.peerChoking) this.fastOffers.get(peer)?.delete(request.index);
    else this.refuse(peer, request.index);
  }

  /** In blocks, which are smaller than BLOCK_BYTES when pieces are. */
  private pipelineDepth(session: PeerSession, manifest: Manifest): number {
    const wholePiece = Math.min(WHOLE_PIECE_MAX_BYTES, manifest.pieceLength);
    const wanted = session.downloadRate.bytesPerSecond() * PIPELINE_SECONDS;
    return Math.ceil(Math.max(MIN_PIPELINE_BYTES, wholePiece, Math.min(MAX_PIPELINE_BYTES, wanted)) / blockBytes(manifest));
  }

  /**
   * The blocks to ask `session` for now, each marked as asked: a batch once a
   * quarter of the pipeline is free, plus blocks of rare pieces past it. Null
   * when the peer has nothing we could ask for; empty when the pipeline is
   * full or `allow` (a download rate limit) said no.
   */
  fill(session: PeerSession, ctx: ScheduleContext, allow: (bytes: number) => boolean): BlockRequest[] | null {
    if (session.peerChoking) return this.fillOffered(session, ctx, allow);
    const depth = this.pipelineDepth(session, ctx.manifest);
    const refilling = session.inflight.size <= depth - Math.max(1, Math.floor(depth * REFILL_FRACTION));
    const rareExtra = Math.ceil(RARE_EXTRA_BYTES / blockBytes(ctx.manifest));
    const batch: BlockRequest[] = [];
    while (session.inflight.size + batch.length < depth + rareExtra) {
      const room = depth - session.inflight.size - batch.length;
      const request = refilling && room > 0 ? this.nextRequest(session, room, ctx) : this.rareRequest(session, ctx);
      if (!request) return batch.length === 0 && session.inflight.size === 0 ? null : batch;
      if (!allow(request.length)) break;
      this.active.get(request.index)!.markAsked(request.begin, session.remotePeerId!);
      batch.push(request);
    }
    return batch;
  }

  /** From a peer that chokes us: the blocks of pieces it offered, up to the pipeline depth. */
  private fillOffered(session: PeerSession, ctx: ScheduleContext, allow: (bytes: number) => boolean): BlockRequest[] {
    const peer = session.remotePeerId!;
    const offers = this.fastOffers.get(peer);
    const batch: BlockRequest[] = [];
    if (!offers) return batch;
    const depth = this.pipelineDepth(session, ctx.manifest);
    for (const index of offers) {
      if (ctx.picker.hasPiece(index) || this.verifying.has(index) || this.avoids(index, peer, ctx.picker)) {
        offers.delete(index);
        continue;
      }
      let download = this.active.get(index);
      if (!download) download = this.start(index, ctx.manifest);
      while (session.inflight.size + batch.length < depth) {
        const request = download.nextBlock(peer, false, 1);
        if (!request) break;
        if (!allow(request.length)) return batch;
        download.markAsked(request.begin, peer);
        batch.push(request);
      }
    }
    return batch;
  }

  nextRequest(session: PeerSession, room: number, ctx: ScheduleContext): BlockRequest | null {
    const { picker } = ctx;
    // A player waits on the critical range: its pieces come strictly first and in order, under
    // way or new, whoever holds them, before anything else (even a piece half fetched).
    const critical = this.critical;
    if (critical) {
      const isCritical = (i: PieceIndex) => i >= critical.from && i < critical.to;
      const request =
        this.continueActive(session, picker, Infinity, isCritical, true) ??
        this.startNew(session, room, ctx, Infinity, (i) => !isCritical(i));
      if (request) return request;
    }
    // While one seed is the only full copy around, its upload is the swarm's bottleneck: ask it
    // only for pieces no other peer has, unless we would otherwise sit idle.
    const scarceSeed = session.isSeed && picker.seeds === 1 && ctx.requestsInFlight() > 0;
    const maxAvailability = scarceSeed ? 1 : Infinity;
    const request =
      this.continueActive(session, picker, maxAvailability, () => true, false) ??
      this.startNew(session, room, ctx, maxAvailability, () => false);
    if (request) return request;
    // Endgame: every missing piece is under way, so duplicate outstanding blocks to finish sooner.
    // Only then: a peer that merely has nothing new for us must not trigger duplicates mid-transfer.
    const missing = picker.pieceCount - ctx.piecesVerified;
    if (this.active.size + this.verifying.size < missing) return null;
    for (const download of this.active.values()) {
      if (!offers(session, download.index)) continue;
      const endgame = download.nextBlock(session.remotePeerId!, true, ENDGAME_MAX_ASKS);
      if (endgame) return endgame;
    }
    return null;
  }

  /**
   * A block of a piece no other neighbour has, to ask for past the pipeline depth. None while a
   * player waits on a critical range (that range comes first), and none of a seed: what only the
   * seed has, it sends one copy of at a time anyway, and extra copies under way with it are lost
   * when it leaves (a seed leaving after 1.04 copies then left 20 of 20 leechers incomplete).
   */
  rareRequest(session: PeerSession, ctx: ScheduleContext): BlockRequest | null {
    if (this.critical || session.isSeed) return null;
    return (
      this.continueActive(session, ctx.picker, 1, () => true, false) ??
      this.startNew(session, 1, ctx, 1, () => false)
    );
  }

  /**
   * The next block of a piece already under way that `session` can send, among `wanted`: lowest
   * piece first when `inOrder` (a player reads in order), else oldest first, so pieces finish in
   * the order they were started and reach other peers sooner.
   */
  private continueActive(
    session: PeerSession,
    picker: PiecePicker,
    maxAvailability: number,
    wanted: (index: PieceIndex) => boolean,
    inOrder: boolean,
  ): BlockRequest | null {
    const peer = session.remotePeerId!;
    let downloads: Iterable<PieceDownload> = this.active.values();
    if (inOrder) downloads = [...downloads].filter((d) => wanted(d.index)).sort((a, b) => a.index - b.index);
    for (const download of downloads) {
      if (!wanted(download.index) || !offers(session, download.index) || this.avoids(download.index, peer, picker)) continue;
      if (picker.availabilityOf(download.index) > maxAvailability) continue;
      const request = download.nextBlock(peer, false, 1);
      if (request) return request;
    }
    return null;
  }

  /** Starts the pieces the picker chooses (critical range first), skipping `skip`; returns the first block. */
  private startNew(
    session: PeerSession,
    room: number,
    ctx: ScheduleContext,
    maxAvailability: number,
    skip: (index: PieceIndex) => boolean,
  ): BlockRequest | null {
    const { picker, manifest } = ctx;
    const peer = session.remotePeerId!;
    const order = this.order;
    const picks = picker.pick(session.remotePieces!, Math.ceil((room * blockBytes(manifest)) / manifest.pieceLength), {
      order: order === 'rarest' && ctx.piecesVerified < RANDOM_FIRST_PIECES ? 'random' : order,
      critical: this.critical,
      maxAvailability,
      skip: (i) => skip(i) || this.active.has(i) || this.verifying.has(i) || this.avoids(i, peer, picker),
    });
    for (const index of picks) this.start(index, manifest);
    return picks.length > 0 ? this.active.get(picks[0])!.nextBlock(peer, false, 1) : null;
  }

  /** Avoid a peer for a piece it sent bad data for (unless nobody else has that piece) or just refused. */
  private avoids(index: PieceIndex, peer: PeerId, picker: PiecePicker): boolean {
    // Asked of every piece a pick scans: no string keys here.
    if (this.refused.get(peer)?.has(index)) return true;
    const avoided = this.avoid.get(index);
    if (!avoided?.has(peer)) return false;
    return picker.availabilityOf(index) > avoided.size;
  }
}

function offers(session: PeerSession, index: PieceIndex): boolean {
  const pieces = session.remotePieces;
  return pieces === 'all' || (pieces !== null && pieces.has(index));
}

/** A share's block size: a whole piece when pieces are smaller than BLOCK_BYTES. */
function blockBytes(manifest: Manifest): number {
  return Math.min(BLOCK_BYTES, manifest.pieceLength);
}
