import type { PieceIndex } from './picker.ts';

/** Per-piece codes in `PieceMap.states`: below PIECE_DOWNLOADING, a missing piece's availability. */
export const PIECE_HAD = 255;
export const PIECE_DOWNLOADING = 254;
/** Availability saturates here: past a few dozen holders the shade no longer tells anything new. */
export const MAX_AVAILABILITY_CODE = 253;

/**
 * Where every piece stands, one byte each, for drawing the piece map: 16k
 * pieces are 16 KiB, cheap to clone to another tab. `version` changes
 * whenever any byte does, so a view redraws only then.
 */
export interface PieceMap {
  readonly pieceCount: number;
  /** PIECE_HAD, PIECE_DOWNLOADING, or how many connected peers have the (missing) piece. */
  readonly states: Uint8Array;
  readonly had: number;
  readonly downloading: number;
  readonly version: number;
}

/** What the tracker reads about each piece. */
export interface PieceStateSource {
  hasPiece(index: PieceIndex): boolean;
  isDownloading(index: PieceIndex): boolean;
  availabilityOf(index: PieceIndex): number;
}

export function pieceCode(source: PieceStateSource, index: PieceIndex): number {
  if (source.hasPiece(index)) return PIECE_HAD;
  if (source.isDownloading(index)) return PIECE_DOWNLOADING;
  return Math.min(MAX_AVAILABILITY_CODE, source.availabilityOf(index));
}

/**
 * Keeps one states buffer per swarm and rewrites it in place on each
 * refresh, so asking for the map a few times a second allocates nothing per
 * piece however big the share is.
 */
export class PieceMapTracker {
  private readonly states: Uint8Array;
  private version = 0;
  private had = 0;
  private downloading = 0;

  constructor(readonly pieceCount: number) {
    this.states = new Uint8Array(pieceCount);
  }

  refresh(source: PieceStateSource): PieceMap {
    let changed = false;
    let had = 0;
    let downloading = 0;
    for (let i = 0; i < this.pieceCount; i++) {
      const code = pieceCode(source, i);
      if (code === PIECE_HAD) had++;
      else if (code === PIECE_DOWNLOADING) downloading++;
      if (this.states[i] !== code) {
        this.states[i] = code;
        changed = true;
      }
    }
    // Version 0 is the all-zero buffer no one has seen yet: the first refresh always counts.
    if (changed || this.version === 0) this.version++;
    this.had = had;
    this.downloading = downloading;
    return this.current();
  }

  current(): PieceMap {
    return {
      pieceCount: this.pieceCount,
      states: this.states,
      had: this.had,
      downloading: this.downloading,
      version: this.version,
    };
  }
}

/** A map of what is stored, for a swarm nobody runs: no peers, so nothing downloading or available. */
export function storedPieceMap(pieceCount: number, hasPiece: (index: PieceIndex) => boolean): PieceMap {
  return new PieceMapTracker(pieceCount).refresh({
    hasPiece,
    isDownloading: () => false,
    availabilityOf: () => 0,
  });
}
