import type { PeerId } from './picker.ts';

export interface ChokeCandidate {
  peer: PeerId;
  /** Only interested peers want a slot. */
  interested: boolean;
  /**
   * What earns a regular slot, higher first: what we manage to send the
   * peer now, or how much it still lacks once a seed's pieces are all out.
   */
  score: number;
}

export interface ChokerOptions {
  /** Upload slots, one of which rotates optimistically. */
  slots: number;
  /** Rechoke rounds an optimistic unchoke lasts before it rotates. */
  optimisticRounds: number;
  random: () => number;
}

/**
 * Decides which peers we upload to, after BitTorrent's choker: the
 * `slots - 1` interested peers with the best score keep regular slots, and
 * one more slot goes to another peer for a few rounds, so newcomers get a
 * chance to prove themselves and no single greedy peer can take every slot.
 * The optimistic slot goes to the interested peer that has waited longest
 * since we last unchoked it (as libtorrent does), ties broken at random.
 * Picked at random, a peer that had lost its regular slots everywhere could
 * go unpicked by all its neighbours for several rotations while the crowd
 * moved on (in the 100-peer simulation one peer sat at 42 of 128 pieces,
 * choked by all 18 neighbours, for 1.5 s).
 * Pure: it is told the candidates and returns the set to unchoke.
 */
export class Choker {
  private optimistic: PeerId | null = null;
  private optimisticLeft = 0;
  private round = 0;
  /** The rechoke round each candidate last held a slot in; absent: never. */
  private readonly lastUnchoked = new Map<PeerId, number>();

  constructor(private readonly opts: ChokerOptions) {}

  /** `rotate` on the periodic round; off when a slot merely came free, so rotation keeps its pace. */
  rechoke(candidates: ChokeCandidate[], rotate: boolean): Set<PeerId> {
    if (rotate) this.round++;
    const unchoked = this.choose(candidates, rotate);
    for (const peer of unchoked) this.lastUnchoked.set(peer, this.round);
    const present = new Set(candidates.map((c) => c.peer));
    for (const peer of this.lastUnchoked.keys()) if (!present.has(peer)) this.lastUnchoked.delete(peer);
    return unchoked;
  }

  private choose(candidates: ChokeCandidate[], rotate: boolean): Set<PeerId> {
    const interested = candidates.filter((c) => c.interested);
    const unchoked = new Set<PeerId>();
    if (interested.length <= this.opts.slots) {
      for (const c of interested) unchoked.add(c.peer);
      return unchoked;
    }
    const ranked = [...interested].sort((a, b) => b.score - a.score);
    for (const c of ranked.slice(0, this.opts.slots - 1)) unchoked.add(c.peer);
    const others = interested.filter((c) => !unchoked.has(c.peer));
    if (rotate) this.optimisticLeft--;
    const stillThere = others.some((c) => c.peer === this.optimistic);
    if (!stillThere || this.optimisticLeft <= 0) {
      this.optimistic = this.longestWaiting(others);
      this.optimisticLeft = this.opts.optimisticRounds;
    }
    unchoked.add(this.optimistic!);
    return unchoked;
  }

  private longestWaiting(others: ChokeCandidate[]): PeerId {
    const since = (c: ChokeCandidate) => this.lastUnchoked.get(c.peer) ?? -Infinity;
    const oldest = Math.min(...others.map(since));
    const waiting = others.filter((c) => since(c) === oldest);
    return waiting[Math.floor(this.opts.random() * waiting.length)].peer;
  }
}
