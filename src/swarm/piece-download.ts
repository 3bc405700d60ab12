import { BLOCK_BYTES } from './wire.ts';
import type { BlockRequest } from './peer-session.ts';
import type { PeerId, PieceIndex } from './picker.ts';

/**
 * One piece being assembled from blocks, possibly from several peers.
 * Tracks who was asked for each block and who sent it, so a piece that fails
 * verification can be blamed on its senders.
 */
export class PieceDownload {
  readonly blockCount: number;
  private bytes: Uint8Array | null = null;
  private readonly received: Uint8Array;
  private receivedCount = 0;
  /** Peers currently asked for each block (more than one only in endgame). */
  private readonly askedOf: Array<Set<PeerId>>;
  readonly senders = new Set<PeerId>();
  /** Who sent each block, so a bad piece can later be traced to the exact blocks that were wrong. */
  readonly blockSenders: Array<PeerId | null>;

  /** `take` gives the buffer the blocks are copied into, once the first one arrives; whatever it holds is overwritten. */
  constructor(
    readonly index: PieceIndex,
    readonly length: number,
    private readonly take: (length: number) => Uint8Array = (n) => new Uint8Array(n),
  ) {
    this.blockCount = Math.ceil(length / BLOCK_BYTES);
    this.received = new Uint8Array(this.blockCount);
    this.askedOf = Array.from({ length: this.blockCount }, () => new Set<PeerId>());
    this.blockSenders = new Array<PeerId | null>(this.blockCount).fill(null);
  }

  /** The piece's bytes, whole once `complete`. */
  get buffer(): Uint8Array {
    return (this.bytes ??= this.take(this.length));
  }

  get complete(): boolean {
    return this.receivedCount === this.blockCount;
  }

  /** True when every block still missing has been asked of someone. */
  get fullyRequested(): boolean {
    for (let b = 0; b < this.blockCount; b++) {
      if (!this.received[b] && this.askedOf[b].size === 0) return false;
    }
    return true;
  }

  /**
   * The next block to ask `peer` for: an unasked one, or in endgame one that
   * others were asked for but not this peer, at most `maxAsks` times over.
   */
  nextBlock(peer: PeerId, endgame: boolean, maxAsks: number): BlockRequest | null {
    for (let b = 0; b < this.blockCount; b++) {
      if (!this.received[b] && this.askedOf[b].size === 0) return this.requestFor(b);
    }
    if (!endgame) return null;
    for (let b = 0; b < this.blockCount; b++) {
      const asked = this.askedOf[b];
      if (!this.received[b] && !asked.has(peer) && asked.size < maxAsks) return this.requestFor(b);
    }
    return null;
  }

  markAsked(begin: number, peer: PeerId): void {
    this.askedOf[begin / BLOCK_BYTES].add(peer);
  }

  /** The peer will not deliver this block (timeout, reject, disconnect). */
  release(begin: number, peer: PeerId): void {
    this.askedOf[begin / BLOCK_BYTES]?.delete(peer);
  }

  /**
   * Stores a block's bytes. Returns the other peers that were asked for the
   * same block (to cancel), or null when the block was already here.
   */
  accept(begin: number, data: Uint8Array, from: PeerId): PeerId[] | null {
    const block = begin / BLOCK_BYTES;
    if (this.received[block]) return null;
    this.buffer.set(data, begin);
    this.received[block] = 1;
    this.receivedCount++;
    this.senders.add(from);
    this.blockSenders[block] = from;
    const others = [...this.askedOf[block]].filter((p) => p !== from);
    this.askedOf[block].clear();
    return others;
  }

  blockLength(begin: number): number {
    return Math.min(BLOCK_BYTES, this.length - begin);
  }

  private requestFor(block: number): BlockRequest {
    const begin = block * BLOCK_BYTES;
    return { index: this.index, begin, length: this.blockLength(begin) };
  }
}
