export type SaveErrorCode = 'incomplete' | 'tampered' | 'write-failed';

/** Why a file could not be read back or written out; verified pieces are never lost by it. */
export class SaveError extends Error {
  override name = 'SaveError';
  constructor(
    readonly code: SaveErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
