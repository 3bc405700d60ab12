import { ReadError, storedPieces, type PieceSource } from '../chunks/plain-reader.ts';
import type { PieceStore } from '../chunks/piece-store.ts';
import type { Swarm } from '../swarm/swarm.ts';
import type { PlaybackFocus } from './playback-focus.ts';

/** A player waits this long for one missing piece before its stream fails. */
export const PIECE_WAIT_MS = 60_000;

/**
 * Pieces of a swarm that is still downloading: a stored piece at once, a
 * missing one after making it critical and waiting for it to be verified.
 */
export function livePieces(swarm: Swarm, store: PieceStore, focus: PlaybackFocus, waitMs = PIECE_WAIT_MS): PieceSource {
  const stored = storedPieces(store);
  return async (index, signal) => {
    if (!swarm.hasPiece(index)) await verified(swarm, focus, index, waitMs, signal);
    return stored(index);
  };
}

function verified(swarm: Swarm, focus: PlaybackFocus, index: number, waitMs: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const release = focus.waitFor(index);
    const finish = (error?: unknown) => {
      release();
      unsubscribe();
      clearTimeout(timer);
      signal?.removeEventListener('abort', aborted);
      if (error === undefined) resolve();
      else reject(error);
    };
    const unsubscribe = swarm.events.on('pieceVerified', (i) => {
      if (i === index) finish();
    });
    const timer = setTimeout(
      () => finish(new ReadError('timeout', `piece ${index} did not arrive within ${waitMs / 1000} s`)),
      waitMs,
    );
    const aborted = () => finish(signal!.reason);
    signal?.addEventListener('abort', aborted, { once: true });
    if (signal?.aborted) aborted();
  });
}
