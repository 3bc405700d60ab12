/** Whether this page still waits for a download's first piece, and when that may have changed. */
export interface FirstPieceSource {
  readonly awaitingFirstPiece: boolean;
  subscribe(onChange: () => void): () => void;
}

/**
 * Resolves once `source` no longer waits for a first piece, or after
 * `maxWaitMs` (a link nobody seeds yet), whichever comes first.
 */
export function afterFirstPiece(source: FirstPieceSource, maxWaitMs: number): Promise<void> {
  return new Promise((resolve) => {
    if (!source.awaitingFirstPiece) {
      resolve();
      return;
    }
    const done = (): void => {
      unsubscribe();
      clearTimeout(timer);
      resolve();
    };
    const unsubscribe = source.subscribe(() => {
      if (!source.awaitingFirstPiece) done();
    });
    const timer = setTimeout(done, maxWaitMs);
  });
}
