import type { PieceIndex } from '../chunks/piece-store.ts';

export type CriticalRange = { from: PieceIndex; to: PieceIndex } | null;

/**
 * Where a player needs bytes next, as the swarm's critical range (fetched
 * first, strictly in order). A read blocked on a missing piece decides,
 * the most recent one first (after a seek the old read is stale); with no
 * read waiting, the playhead does, so the pieces ahead of it arrive before
 * the player asks. Pure: the swarm call is passed in.
 */
export class PlaybackFocus {
  /** Pieces reads are blocked on, oldest first. */
  private readonly waits: PieceIndex[] = [];
  private playhead: PieceIndex | null = null;
  private applied: CriticalRange = null;

  constructor(
    /** How many pieces from the focus on are critical. */
    private readonly windowPieces: number,
    private readonly apply: (range: CriticalRange) => void,
  ) {}

  /** A read waits for `index`; the returned function ends the wait. */
  waitFor(index: PieceIndex): () => void {
    this.waits.push(index);
    this.update();
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.waits.splice(this.waits.lastIndexOf(index), 1);
      this.update();
    };
  }

  /** The piece under the playhead, or null when nothing plays. */
  setPlayhead(index: PieceIndex | null): void {
    this.playhead = index;
    this.update();
  }

  get range(): CriticalRange {
    return this.applied;
  }

  private update(): void {
    const focus = this.waits.at(-1) ?? this.playhead;
    const next = focus === null ? null : { from: focus, to: focus + this.windowPieces };
    if (next?.from === this.applied?.from && next?.to === this.applied?.to) return;
    this.applied = next;
    this.apply(next);
  }
}
