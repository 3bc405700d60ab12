import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { afterFirstPiece, type FirstPieceSource } from '../../src/ui/after-first-piece.ts';

class Downloads implements FirstPieceSource {
  awaitingFirstPiece = true;
  readonly listeners = new Set<() => void>();

  subscribe(onChange: () => void): () => void {
    this.listeners.add(onChange);
    return () => this.listeners.delete(onChange);
  }

  change(awaiting: boolean): void {
    this.awaitingFirstPiece = awaiting;
    for (const listener of [...this.listeners]) listener();
  }
}

describe('afterFirstPiece', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  const settled = (promise: Promise<void>) => {
    const state = { done: false };
    void promise.then(() => (state.done = true));
    return state;
  };

  it('resolves at once when nothing waits for a first piece', async () => {
    const downloads = new Downloads();
    downloads.awaitingFirstPiece = false;
    const state = settled(afterFirstPiece(downloads, 10_000));
    await vi.advanceTimersByTimeAsync(0);
    expect(state.done).toBe(true);
    expect(downloads.listeners.size).toBe(0);
  });

  it('waits through changes that still wait, and resolves on the one that ends it', async () => {
    const downloads = new Downloads();
    const state = settled(afterFirstPiece(downloads, 10_000));
    downloads.change(true);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(state.done).toBe(false);
    downloads.change(false);
    await vi.advanceTimersByTimeAsync(0);
    expect(state.done).toBe(true);
    expect(downloads.listeners.size).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('gives up waiting after maxWaitMs', async () => {
    const downloads = new Downloads();
    const state = settled(afterFirstPiece(downloads, 10_000));
    await vi.advanceTimersByTimeAsync(9_999);
    expect(state.done).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(state.done).toBe(true);
    expect(downloads.listeners.size).toBe(0);
  });
});
