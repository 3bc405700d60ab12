import { checkPieceIndex, type PieceIndex, type PieceStore } from './piece-store.ts';

/**
 * Pieces in a Map, for tests and simulations. `put` copies so callers may
 * reuse their buffers; `get` hands out the stored bytes, which callers must
 * treat as read-only (the swarm serves sub-ranges of them without copying).
 */
export class MemoryPieceStore implements PieceStore {
  private readonly pieces = new Map<PieceIndex, Uint8Array>();

  async get(index: PieceIndex): Promise<Uint8Array | undefined> {
    checkPieceIndex(index);
    return this.pieces.get(index);
  }

  async put(index: PieceIndex, bytes: Uint8Array): Promise<void> {
    checkPieceIndex(index);
    this.pieces.set(index, this.keep(index, bytes));
  }

  /** What to hold for a piece put: a copy, as callers may reuse their buffers. */
  protected keep(_index: PieceIndex, bytes: Uint8Array): Uint8Array {
    return bytes.slice();
  }

  async indices(): Promise<PieceIndex[]> {
    return [...this.pieces.keys()].sort((a, b) => a - b);
  }

  async destroy(): Promise<void> {
    this.pieces.clear();
  }
}
