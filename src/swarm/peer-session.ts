import { Bitfield } from '../chunks/bitfield.ts';
import { ChannelClosedError, type Channel } from './channel.ts';
import { RateMeter } from './rate-meter.ts';
import { nextUpload, uploadBufferLimit } from './upload-queue.ts';
import { bytesEqual } from '../chunks/sha256.ts';
import { bytesToHex } from './ids.ts';
import {
  BLOCK_BYTES,
  BLOCK_FRAME_BYTES,
  MAX_REQUEST_BYTES,
  PROTOCOL_VERSION,
  WireError,
  decodeMessage,
  encodeMessage,
  tagOf,
  type WireMessage,
} from './wire.ts';
import type { PeerId, PieceIndex } from './picker.ts';

export interface BlockRequest {
  index: PieceIndex;
  begin: number;
  length: number;
}

export interface InflightRequest extends BlockRequest {
  sentAt: number;
}

export type SessionCloseReason =
  | 'local'
  | 'remote'
  | 'protocol-error'
  | 'wrong-swarm'
  | 'self'
  | 'duplicate'
  | 'timeout'
  | 'banned';

export class SessionClosedError extends Error {
  constructor(readonly reason: SessionCloseReason, detail?: string) {
    super(detail ? `session closed (${reason}): ${detail}` : `session closed (${reason})`);
    this.name = 'SessionClosedError';
  }
}

/** What the session reports to its owner (the swarm). Names are past tense: these happened. */
export interface SessionEvents {
  handshaked(session: PeerSession): void;
  metadataRequested(session: PeerSession): void;
  metadataChunkReceived(session: PeerSession, totalBytes: number, offset: number, bytes: Uint8Array): void;
  metadataRejected(session: PeerSession): void;
  /** The remote's bitfield (or have-all) is known and decoded. */
  piecesAnnounced(session: PeerSession): void;
  /**
   * The remote announced what it holds before we know how many pieces there
   * are: it has the manifest, and with `hasPieces` something we lack.
   */
  announcedBeforeManifest(session: PeerSession, hasPieces: boolean): void;
  haveReceived(session: PeerSession, index: PieceIndex): void;
  /** The remote, though choking us, offered to serve this piece (allowed-fast). */
  fastOfferReceived(session: PeerSession, index: PieceIndex): void;
  blockReceived(session: PeerSession, index: PieceIndex, begin: number, data: Uint8Array): void;
  requestRejected(session: PeerSession, request: BlockRequest): void;
  /** The remote choked us (our requests to it were dropped) or unchoked us. */
  chokeChanged(session: PeerSession): void;
  interestChanged(session: PeerSession): void;
  uploaded(session: PeerSession, bytes: number): void;
  closed(session: PeerSession, error: SessionClosedError): void;
}

export interface SessionOptions {
  swarmId: Uint8Array;
  localPeerId: Uint8Array;
  events: SessionEvents;
  /** Returns the block's bytes, or null when we do not have the piece. */
  readBlock: (request: BlockRequest) => Promise<Uint8Array | null>;
  /** Checks a request against the manifest (piece index and block bounds). */
  isValidRequest: (request: BlockRequest) => boolean;
  /** Whether to queue a request from a peer we choke (a piece we offered it); default: never. */
  servesWhileChoking?: (request: BlockRequest) => boolean;
  now: () => number;
  /** Stop queueing uploads on the channel above this many buffered bytes; default: see `uploadBufferLimit`. */
  highWaterMark?: number;
  /** Requests a remote may have waiting for upload; more are rejected. */
  maxQueuedUploads?: number;
  /** Asked before each block is sent; false pauses uploads until `resumeUploads()`. */
  mayUpload?: (bytes: number) => boolean;
  /** Of the queued uploads, the one with the lowest value goes next (e.g. the piece's availability); default: in order. */
  uploadPriority?: (index: PieceIndex) => number;
  /** Ends the task after every `UPLOAD_RUN_BYTES` sent, so a page stays responsive; default: never. */
  yieldToPage?: () => Promise<void>;
}

/** Enough for the deepest pipeline a downloader keeps (4 MiB, see RequestScheduler) in the smallest blocks (16 KiB pieces). */
const DEFAULT_MAX_QUEUED_UPLOADS = 512;
/**
 * Bytes sent in one task before yielding (a few ms of sends). Without a
 * break, the task in which a piece's bytes arrived went on sending up to the
 * channel's limit: about 1.4 MiB at loopback rates.
 */
const UPLOAD_RUN_BYTES = 256 * 1024;
const METADATA_CHUNK_BYTES = 128 * 1024;

/**
 * Where every session encodes its outgoing frames: channels copy a frame as
 * it is sent, and a new buffer per (then 16 KiB) block cost the seed about a
 * quarter of a millisecond each in Chromium (every fresh page faults in),
 * about a second of its main thread per 64 MiB served.
 */
const sendScratch = new Uint8Array(BLOCK_FRAME_BYTES);

/**
 * One connection to one remote peer: handshake, message decoding, the
 * remote's pieces, our requests in flight to it, and a backpressured upload
 * queue. It decides nothing about what to download; the swarm does.
 */
export class PeerSession {
  state: 'handshaking' | 'open' | 'closed' = 'handshaking';
  remotePeerId: PeerId | null = null;
  remotePieces: Bitfield | 'all' | null = null;
  readonly inflight = new Map<string, InflightRequest>();
  readonly downloadRate: RateMeter;
  readonly uploadRate: RateMeter;
  lastReceivedAt: number;
  lastSentAt: number;
  /** Pieces whose blocks from this peer failed verification. */
  failedPieces = 0;
  /** BitTorrent's four flags: both sides start choked and uninterested. */
  amChoking = true;
  amInterested = false;
  peerChoking = true;
  peerInterested = false;

  private pieceCount: number | null = null;
  /** A bitfield or haves that arrived before we knew the manifest, decoded once we do. */
  private earlyBitfield: Uint8Array | null = null;
  private earlyHaves: PieceIndex[] = [];
  private readonly uploadQueue: BlockRequest[] = [];
  private pumping = false;
  private readonly highWaterMark: number | undefined;
  private readonly maxQueuedUploads: number;

  constructor(
    readonly channel: Channel,
    private readonly opts: SessionOptions,
  ) {
    this.highWaterMark = opts.highWaterMark;
    this.maxQueuedUploads = opts.maxQueuedUploads ?? DEFAULT_MAX_QUEUED_UPLOADS;
    this.lastReceivedAt = this.lastSentAt = opts.now();
    this.downloadRate = new RateMeter(opts.now);
    this.uploadRate = new RateMeter(opts.now);
    channel.onMessage = (frame) => this.receive(frame);
    channel.onDrain = () => void this.pumpUploads();
    channel.onClose = (error) =>
      this.finish(new SessionClosedError('remote', error?.message));
    this.send({
      type: 'handshake',
      version: PROTOCOL_VERSION,
      swarmId: opts.swarmId,
      peerId: opts.localPeerId,
    });
  }

  get shortId(): string {
    return (this.remotePeerId ?? '????????').slice(0, 8);
  }

  /** Called once the manifest is known; decodes what arrived early. */
  setPieceCount(pieceCount: number): void {
    if (this.pieceCount !== null) return;
    this.pieceCount = pieceCount;
    if (this.earlyBitfield) {
      const bits = this.earlyBitfield;
      this.earlyBitfield = null;
      this.receive(bits);
    }
    if (this.remotePieces === 'all') this.opts.events.piecesAnnounced(this);
    const haves = this.earlyHaves;
    this.earlyHaves = [];
    for (const index of haves) this.applyHave(index);
  }

  requestMetadata(): void {
    this.send({ type: 'metadata-request' });
  }

  sendMetadata(encoded: Uint8Array): void {
    for (let offset = 0; offset < encoded.byteLength; offset += METADATA_CHUNK_BYTES) {
      this.send({
        type: 'metadata',
        totalBytes: encoded.byteLength,
        offset,
        bytes: encoded.subarray(offset, offset + METADATA_CHUNK_BYTES),
      });
    }
  }

  rejectMetadata(): void {
    this.send({ type: 'metadata-reject' });
  }

  announcePieces(have: Bitfield): void {
    if (have.isComplete()) this.send({ type: 'have-all' });
    else this.send({ type: 'bitfield', bits: have.toBytes() });
  }

  announceHave(index: PieceIndex): void {
    this.send({ type: 'have', index });
  }

  /** Offers a piece to a peer we choke: its requests for that piece will be queued anyway. */
  offerPiece(index: PieceIndex): void {
    this.send({ type: 'allowed-fast', index });
  }

  /** Whether the remote announced what it holds (so it has the manifest). */
  get announced(): boolean {
    return this.remotePieces !== null || this.earlyBitfield !== null;
  }

  get isSeed(): boolean {
    return this.remotePieces === 'all';
  }

  /** Requests from the remote waiting to be sent. */
  get queuedUploads(): number {
    return this.uploadQueue.length;
  }

  setInterested(interested: boolean): void {
    if (this.amInterested === interested) return;
    this.amInterested = interested;
    this.send({ type: interested ? 'interested' : 'not-interested' });
  }

  /** Choking drops the remote's queued requests; it knows to re-ask elsewhere. */
  setChoking(choking: boolean): void {
    if (this.amChoking === choking) return;
    this.amChoking = choking;
    if (choking) this.uploadQueue.length = 0;
    this.send({ type: choking ? 'choke' : 'unchoke' });
  }

  /** Restarts uploads that `mayUpload` paused. */
  resumeUploads(): void {
    void this.pumpUploads();
  }

  /** Asks for blocks, each run of consecutive blocks of one piece in one message. */
  request(blocks: readonly BlockRequest[]): void {
    const sentAt = this.opts.now();
    for (const block of blocks) this.inflight.set(requestKey(block), { ...blockRef(block), sentAt });
    for (const run of blockRuns(blocks)) this.send({ type: 'request', ...run });
  }

  cancel(request: BlockRequest): void {
    if (this.inflight.delete(requestKey(request))) this.send({ type: 'cancel', ...request });
  }

  /** Forget a request locally without telling the remote (it timed out). */
  forget(request: BlockRequest): void {
    this.inflight.delete(requestKey(request));
  }

  ping(): void {
    this.send({ type: 'ping', nonce: (this.opts.now() >>> 0) });
  }

  close(reason: SessionCloseReason = 'local', detail?: string): void {
    if (this.state === 'closed') return;
    this.finish(new SessionClosedError(reason, detail));
    this.channel.close();
  }

  private finish(error: SessionClosedError): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.uploadQueue.length = 0;
    this.opts.events.closed(this, error);
    this.inflight.clear();
  }

  private send(message: WireMessage): void {
    if (this.state === 'closed') return;
    try {
      this.channel.send(encodeMessage(message, sendScratch));
      this.lastSentAt = this.opts.now();
    } catch (error) {
      if (error instanceof ChannelClosedError) this.finish(new SessionClosedError('remote'));
      else this.close('local', String(error));
    }
  }

  private receive(frame: Uint8Array): void {
    if (this.state === 'closed') return;
    this.lastReceivedAt = this.opts.now();
    if (this.state === 'open' && this.pieceCount === null && frame[0] === tagOf('bitfield')) {
      this.earlyBitfield = frame.slice();
      this.opts.events.announcedBeforeManifest(this, this.earlyBitfield.subarray(1).some((byte) => byte !== 0));
      return;
    }
    let message: WireMessage;
    try {
      message = decodeMessage(frame, { pieceCount: this.pieceCount });
    } catch (error) {
      if (error instanceof WireError) {
        this.close('protocol-error', `${error.code}: ${error.message}`);
        return;
      }
      throw error;
    }
    if (this.state === 'handshaking') {
      if (message.type !== 'handshake') {
        this.close('protocol-error', `${message.type} before handshake`);
        return;
      }
      this.acceptHandshake(message.swarmId, message.peerId);
      return;
    }
    this.dispatch(message);
  }

  private acceptHandshake(swarmId: Uint8Array, peerId: Uint8Array): void {
    if (!bytesEqual(swarmId, this.opts.swarmId)) {
      this.close('wrong-swarm');
      return;
    }
    if (bytesEqual(peerId, this.opts.localPeerId)) {
      this.close('self');
      return;
    }
    this.remotePeerId = bytesToHex(peerId);
    this.state = 'open';
    this.opts.events.handshaked(this);
  }

  private dispatch(message: WireMessage): void {
    const events = this.opts.events;
    switch (message.type) {
      case 'handshake':
        this.close('protocol-error', 'second handshake');
        return;
      case 'metadata-request':
        events.metadataRequested(this);
        return;
      case 'metadata':
        events.metadataChunkReceived(this, message.totalBytes, message.offset, message.bytes);
        return;
      case 'metadata-reject':
        events.metadataRejected(this);
        return;
      case 'bitfield':
        this.remotePieces = Bitfield.fromBytes(message.bits, this.pieceCount ?? 0);
        events.piecesAnnounced(this);
        return;
      case 'have-all':
        this.remotePieces = 'all';
        if (this.pieceCount !== null) events.piecesAnnounced(this);
        else events.announcedBeforeManifest(this, true);
        return;
      case 'have':
        if (this.pieceCount === null) this.earlyHaves.push(message.index);
        else this.applyHave(message.index);
        return;
      case 'allowed-fast':
        // Before the manifest there is nothing to fetch it into; the offer simply lapses.
        if (this.pieceCount !== null) events.fastOfferReceived(this, message.index);
        return;
      case 'request':
        for (const block of splitRun(message)) {
          this.queueUpload(block);
          if (this.state !== 'open') return;
        }
        return;
      case 'cancel':
        this.dropQueuedUpload(blockRef(message));
        return;
      case 'block':
        this.acceptBlock(message.index, message.begin, message.data);
        return;
      case 'reject': {
        const request = blockRef(message);
        if (this.inflight.delete(requestKey(request))) events.requestRejected(this, request);
        return;
      }
      case 'ping':
        this.send({ type: 'pong', nonce: message.nonce });
        return;
      case 'choke':
        this.peerChoking = true;
        this.dropInflight();
        events.chokeChanged(this);
        return;
      case 'unchoke':
        this.peerChoking = false;
        events.chokeChanged(this);
        return;
      case 'interested':
      case 'not-interested':
        this.peerInterested = message.type === 'interested';
        events.interestChanged(this);
        return;
      case 'pong':
        return;
    }
  }

  /** A choking peer discards our requests, so each is settled as rejected. */
  private dropInflight(): void {
    const dropped = [...this.inflight.values()];
    this.inflight.clear();
    for (const request of dropped) this.opts.events.requestRejected(this, blockRef(request));
  }

  private applyHave(index: PieceIndex): void {
    if (this.remotePieces === 'all') return;
    if (this.remotePieces === null) this.remotePieces = new Bitfield(this.pieceCount ?? 0);
    if (index >= this.remotePieces.length) {
      this.close('protocol-error', `have ${index} out of range`);
      return;
    }
    if (this.remotePieces.has(index)) return;
    this.remotePieces.set(index);
    this.opts.events.haveReceived(this, index);
  }

  private acceptBlock(index: PieceIndex, begin: number, data: Uint8Array): void {
    const request = { index, begin, length: data.byteLength };
    // A block we no longer wait for (cancelled, timed out, dropped by a choke) may still complete a
    // piece, so pass it on if its shape is valid; the swarm decides whether it is still useful.
    if (!this.inflight.delete(requestKey(request)) && !this.opts.isValidRequest(request)) return;
    this.downloadRate.add(data.byteLength);
    this.opts.events.blockReceived(this, index, begin, data);
  }

  private queueUpload(request: BlockRequest): void {
    if (!this.opts.isValidRequest(request)) {
      this.close('protocol-error', `bad request ${request.index}:${request.begin}+${request.length}`);
      return;
    }
    const choked = this.amChoking && !(this.opts.servesWhileChoking?.(request) ?? false);
    if (choked || this.uploadQueue.length >= this.maxQueuedUploads) {
      this.send({ type: 'reject', ...request });
      return;
    }
    this.uploadQueue.push(request);
    void this.pumpUploads();
  }

  private dropQueuedUpload(request: BlockRequest): void {
    const at = this.uploadQueue.findIndex(
      (q) => q.index === request.index && q.begin === request.begin && q.length === request.length,
    );
    if (at >= 0) this.uploadQueue.splice(at, 1);
  }

  /** Sends queued uploads while the channel has room; resumes on drain. */
  private async pumpUploads(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    let sentInRun = 0;
    try {
      while (
        this.state === 'open' &&
        this.uploadQueue.length > 0 &&
        this.channel.bufferedAmount < (this.highWaterMark ?? uploadBufferLimit(this.channel.lowWaterMark, this.uploadRate.bytesPerSecond())) &&
        (this.opts.mayUpload?.(this.uploadQueue[0].length) ?? true)
      ) {
        const request = nextUpload(this.uploadQueue, this.opts.uploadPriority);
        const data = await this.opts.readBlock(request);
        if (this.state !== 'open') return;
        if (data === null) {
          this.send({ type: 'reject', ...request });
          continue;
        }
        this.send({ type: 'block', index: request.index, begin: request.begin, data });
        this.uploadRate.add(data.byteLength);
        this.opts.events.uploaded(this, data.byteLength);
        sentInRun += data.byteLength;
        if (sentInRun >= UPLOAD_RUN_BYTES && this.opts.yieldToPage) {
          sentInRun = 0;
          await this.opts.yieldToPage();
        }
      }
    } finally {
      this.pumping = false;
    }
  }
}

/** Just the block coordinates, so spreading it into a new message cannot carry a stale `type`. */
function blockRef(request: BlockRequest): BlockRequest {
  return { index: request.index, begin: request.begin, length: request.length };
}

/** Consecutive blocks of one piece, in the order given, merged into runs of at most MAX_REQUEST_BYTES. */
function blockRuns(blocks: readonly BlockRequest[]): BlockRequest[] {
  const runs: BlockRequest[] = [];
  let run: BlockRequest | null = null;
  for (const block of blocks) {
    const joins =
      run !== null &&
      block.index === run.index &&
      block.begin === run.begin + run.length &&
      run.length % BLOCK_BYTES === 0 &&
      run.length + block.length <= MAX_REQUEST_BYTES;
    if (joins) run!.length += block.length;
    else runs.push((run = blockRef(block)));
  }
  return runs;
}

/** The blocks a request's run names: full blocks, the last one possibly shorter. */
function splitRun(run: BlockRequest): BlockRequest[] {
  const blocks: BlockRequest[] = [];
  const end = run.begin + run.length;
  for (let begin = run.begin; begin < end; begin += BLOCK_BYTES) {
    blocks.push({ index: run.index, begin, length: Math.min(BLOCK_BYTES, end - begin) });
  }
  return blocks;
}

export function requestKey(request: BlockRequest): string {
  return `${request.index}:${request.begin}`;
}

