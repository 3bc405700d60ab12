import type { PeerId } from './picker.ts';

export interface ChokeCandidate {
  peer: PeerId;
  /** Only interested peers want a slot. */
  interested: boolean;
  /**
   * What earns a regular slot: bytes per second the peer gives us while we
   * download (tit-for-tat), or that we manage to send it while we seed.
   */
  rateBytesPerSecond: number;
}

export interface ChokerOptions {
  /** Upload slots, one of which rotates optimistically. */
  slots: number;
  /** Rechoke rounds an optimistic unchoke lasts before it rotates. */
  optimisticRounds: number;
  random: () => number;
}

/**
 * Decides which peers we upload to, after BitTorrent's choker: the fastest
 * `slots - 1` interested peers keep regular slots, and one more slot goes to
 * a randomly chosen other peer for a few rounds, so newcomers get a chance
 * to prove themselves and no single greedy peer can take every slot.
 * Pure: it is told the candidates and returns the set to unchoke.
 */
export class Choker {
  private optimistic: PeerId | null = null;
  private optimisticLeft = 0;

  constructor(private readonly opts: ChokerOptions) {}

  /** `rotate` on the periodic round; off when a slot merely came free, so rotation keeps its pace. */
  rechoke(candidates: ChokeCandidate[], rotate: boolean): Set<PeerId> {
    const interested = candidates.filter((c) => c.interested);
    const unchoked = new Set<PeerId>();
    if (interested.length <= this.opts.slots) {
      for (const c of interested) unchoked.add(c.peer);
      return unchoked;
    }
    const ranked = [...interested].sort((a, b) => b.rateBytesPerSecond - a.rateBytesPerSecond);
    for (const c of ranked.slice(0, this.opts.slots - 1)) unchoked.add(c.peer);
    const others = interested.filter((c) => !unchoked.has(c.peer));
    if (rotate) this.optimisticLeft--;
    const stillThere = others.some((c) => c.peer === this.optimistic);
    if (!stillThere || this.optimisticLeft <= 0) {
      this.optimistic = others[Math.floor(this.opts.random() * others.length)].peer;
      this.optimisticLeft = this.opts.optimisticRounds;
    }
    unchoked.add(this.optimistic!);
    return unchoked;
  }
}
