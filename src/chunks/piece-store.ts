import { CodedError } from '../coded-error.ts';
export type PieceIndex = number;

/** Where verified pieces live: memory for tests, IndexedDB for downloads, the dropped files for a seed. */
export interface PieceStore {
  get(index: PieceIndex): Promise<Uint8Array | undefined>;
  /**
   * `bytes` are already verified by the caller; stores never see unverified
   * data. A store copies what it keeps: once the promise settles, the caller
   * may reuse `bytes` for another piece.
   */
  put(index: PieceIndex, bytes: Uint8Array): Promise<void>;
  /** Which pieces are stored, for resuming. */
  indices(): Promise<PieceIndex[]>;
  /** Removes everything this store holds for its swarm. */
  destroy(): Promise<void>;
}

export type StorageErrorCode = 'quota-exceeded' | 'unavailable' | 'corrupt';

export class StorageError extends CodedError<StorageErrorCode> {
  override name = 'StorageError';
}

export function checkPieceIndex(index: PieceIndex): void {
  if (!Number.isSafeInteger(index) || index < 0) throw new RangeError(`bad piece index ${index}`);
}
