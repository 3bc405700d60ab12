import type { Bitfield } from '../chunks/bitfield.ts';
import type { PeerId, PieceIndex } from './picker.ts';

/** How long an offer stands if the peer does not take it up (it may be fetching the piece elsewhere). */
export const FAST_OFFER_TTL_MS = 1000;

export interface FastOfferOptions {
  now: () => number;
  /** Offers open at once across all peers. */
  maxOpen: number;
}

/** A choked neighbour we could offer a piece to. */
export interface OfferCandidate {
  peer: PeerId;
  /** What it has announced. */
  pieces: Bitfield;
}

/**
 * The pieces we offered choked neighbours (allowed-fast): which offers are
 * still open, and what to offer next when the uplink has room. An offer
 * closes when the peer announces the piece, when we choke or unchoke it,
 * when it leaves, or after FAST_OFFER_TTL_MS, so offers cannot pile up.
 * Pure: time comes in through `now`.
 */
export class FastOffers {
  /** Per peer: the pieces offered to it and when. */
  private readonly open = new Map<PeerId, Map<PieceIndex, number>>();
  private readonly lastOfferedAt = new Map<PeerId, number>();

  constructor(private readonly opts: FastOfferOptions) {}

  isOpen(peer: PeerId, index: PieceIndex): boolean {
    const offeredAt = this.open.get(peer)?.get(index);
    return offeredAt !== undefined && this.opts.now() - offeredAt < FAST_OFFER_TTL_MS;
  }

  /** Whether another offer may go out now. */
  hasRoom(): boolean {
    let count = 0;
    const now = this.opts.now();
    for (const [peer, offers] of this.open) {
      for (const [index, offeredAt] of offers) {
        if (now - offeredAt >= FAST_OFFER_TTL_MS) offers.delete(index);
        else count++;
      }
      if (offers.size === 0) this.open.delete(peer);
    }
    return count < this.opts.maxOpen;
  }

  /** The peer announced the piece: the offer is done. */
  taken(peer: PeerId, index: PieceIndex): void {
    this.open.get(peer)?.delete(index);
  }

  /** Every offer to the peer closes: we choked or unchoked it, or it left. */
  withdraw(peer: PeerId): void {
    this.open.delete(peer);
  }

  forget(peer: PeerId): void {
    this.withdraw(peer);
    this.lastOfferedAt.delete(peer);
  }

  /**
   * The next offer: the piece fewest of our neighbours hold (`availability`)
   * that a candidate lacks and was not offered already, to the candidate we
   * offered to least recently on a tie; null when there is none.
   */
  choose(candidates: readonly OfferCandidate[], ours: Bitfield, availability: (index: PieceIndex) => number): { peer: PeerId; index: PieceIndex } | null {
    const since = (c: OfferCandidate) => this.lastOfferedAt.get(c.peer) ?? -Infinity;
    const byWait = [...candidates].sort((a, b) => since(a) - since(b));
    let best: { peer: PeerId; index: PieceIndex } | null = null;
    let bestAvailability = Infinity;
    for (const candidate of byWait) {
      for (let index = 0; index < ours.length; index++) {
        if (!ours.has(index) || candidate.pieces.has(index) || this.isOpen(candidate.peer, index)) continue;
        const held = availability(index);
        if (held < bestAvailability) {
          best = { peer: candidate.peer, index };
          bestAvailability = held;
        }
      }
    }
    return best;
  }

  record(peer: PeerId, index: PieceIndex): void {
    let offers = this.open.get(peer);
    if (!offers) this.open.set(peer, (offers = new Map()));
    const now = this.opts.now();
    offers.set(index, now);
    this.lastOfferedAt.set(peer, now);
  }
}
