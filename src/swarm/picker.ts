import type { Bitfield } from '../chunks/bitfield.ts';

export type PieceIndex = number;
export type PeerId = string;

/** What a peer has: a bitfield, or every piece (a seed, counted once rather than per piece). */
export type PeerPieces = Bitfield | 'all';

export interface PickOptions {
  /** 'random' ignores availability: a new peer's first pieces, to have something to trade soon. */
  order: 'rarest' | 'sequential' | 'random';
  /** Pieces [from, to) come first, in index order (what a player needs next). */
  critical?: { from: PieceIndex; to: PieceIndex };
  /** Only pieces at most this many peers have (e.g. ask a seed only for what no one else has). */
  maxAvailability?: number;
  /** Pieces the caller does not want now (already downloading, verifying, ...). */
  skip?: (index: PieceIndex) => boolean;
}

/**
 * Piece availability and selection, after libtorrent's picker: counts how
 * many connected peers have each piece and answers "which pieces should I
 * ask this peer for". It never calls into sessions; peer ids are opaque.
 */
export class PiecePicker {
  private readonly availability: Uint32Array;
  /** Peers that have everything add one to every piece's count, kept here instead. */
  private seedCount = 0;
  private readonly peers = new Map<PeerId, PeerPieces>();
  private readonly have: Uint8Array;
  private haveCount = 0;
  /** A fixed random permutation: ties between equally rare pieces break by rank in it. */
  private readonly tieRank: Uint32Array;

  constructor(
    readonly pieceCount: number,
    random: () => number,
  ) {
    this.availability = new Uint32Array(pieceCount);
    this.have = new Uint8Array(pieceCount);
    this.tieRank = shuffledRanks(pieceCount, random);
  }

  addPeer(id: PeerId, pieces: PeerPieces): void {
    this.removePeer(id);
    this.peers.set(id, pieces);
    if (pieces === 'all') {
      this.seedCount++;
      return;
    }
    for (let i = 0; i < this.pieceCount; i++) if (pieces.has(i)) this.availability[i]++;
  }

  knowsPeer(id: PeerId): boolean {
    return this.peers.has(id);
  }

  /** Call after the peer's own bitfield has been updated with the new piece. */
  peerHas(id: PeerId, index: PieceIndex): void {
    const pieces = this.peers.get(id);
    if (pieces === undefined || pieces === 'all') return;
    this.availability[index]++;
  }

  removePeer(id: PeerId): void {
    const pieces = this.peers.get(id);
    if (pieces === undefined) return;
    this.peers.delete(id);
    if (pieces === 'all') {
      this.seedCount--;
      return;
    }
    for (let i = 0; i < this.pieceCount; i++) if (pieces.has(i)) this.availability[i]--;
  }

  markVerified(index: PieceIndex): void {
    if (this.have[index]) return;
    this.have[index] = 1;
    this.haveCount++;
  }

  hasPiece(index: PieceIndex): boolean {
    return this.have[index] === 1;
  }

  availabilityOf(index: PieceIndex): number {
    return this.availability[index] + this.seedCount;
  }

  /** Connected peers that have every piece. */
  get seeds(): number {
    return this.seedCount;
  }

  get complete(): boolean {
    return this.haveCount === this.pieceCount;
  }

  /** Whether `peerPieces` includes any piece we still lack (are we interested in that peer?). */
  offersMissing(peerPieces: PeerPieces): boolean {
    if (this.complete) return false;
    if (peerPieces === 'all') return true;
    for (let i = 0; i < this.pieceCount; i++) if (!this.have[i] && peerPieces.has(i)) return true;
    return false;
  }

  /**
   * Up to `count` pieces we lack that `peerPieces` offers, best first.
   * A query: it changes nothing.
   */
  pick(peerPieces: PeerPieces, count: number, opts: PickOptions): PieceIndex[] {
    const maxAvailability = opts.maxAvailability ?? Infinity;
    const wanted = (i: PieceIndex) =>
      !this.have[i] &&
      (peerPieces === 'all' || peerPieces.has(i)) &&
      this.availabilityOf(i) <= maxAvailability &&
      !opts.skip?.(i);
    const picked: PieceIndex[] = [];
    const critical = opts.critical;
    if (critical) {
      for (let i = Math.max(0, critical.from); i < Math.min(critical.to, this.pieceCount); i++) {
        if (picked.length === count) return picked;
        if (wanted(i)) picked.push(i);
      }
    }
    const isCritical = (i: PieceIndex) => critical !== undefined && i >= critical.from && i < critical.to;
    const candidates: PieceIndex[] = [];
    // In index order the first few candidates are the answer; other orders must see them all.
    const enough = opts.order === 'sequential' ? count - picked.length : Infinity;
    for (let i = 0; i < this.pieceCount && candidates.length < enough; i++) {
      if (wanted(i) && !isCritical(i)) candidates.push(i);
    }
    if (opts.order === 'rarest') {
      candidates.sort((a, b) => this.availability[a] - this.availability[b] || this.tieRank[a] - this.tieRank[b]);
    } else if (opts.order === 'random') {
      candidates.sort((a, b) => this.tieRank[a] - this.tieRank[b]);
    }
    return picked.concat(candidates.slice(0, count - picked.length));
  }

  /** For tests: recomputes availability from the peers and compares. */
  checkInvariants(): void {
    const expected = new Uint32Array(this.pieceCount);
    let seeds = 0;
    for (const pieces of this.peers.values()) {
      if (pieces === 'all') seeds++;
      else for (let i = 0; i < this.pieceCount; i++) if (pieces.has(i)) expected[i]++;
    }
    if (seeds !== this.seedCount) throw new Error(`seed count ${this.seedCount} != ${seeds}`);
    for (let i = 0; i < this.pieceCount; i++) {
      if (expected[i] !== this.availability[i]) {
        throw new Error(`availability[${i}] ${this.availability[i]} != ${expected[i]}`);
      }
    }
    let haves = 0;
    for (let i = 0; i < this.pieceCount; i++) haves += this.have[i];
    if (haves !== this.haveCount) throw new Error(`have count ${this.haveCount} != ${haves}`);
  }
}

function shuffledRanks(n: number, random: () => number): Uint32Array {
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
  const rank = new Uint32Array(n);
  for (let r = 0; r < n; r++) rank[order[r]] = r;
  return rank;
}
