import { ShoalError, type ShoalErrorCode } from './app-model.ts';
import { StorageError } from './chunks/piece-store.ts';

/** Our own errors pass through; storage errors keep their meaning; anything else gets `fallback`. */
export function asShoalError(error: unknown, fallback: ShoalErrorCode): ShoalError {
  if (error instanceof ShoalError) return error;
  if (error instanceof StorageError && error.code === 'quota-exceeded') {
    return new ShoalError('storage-full', error.message);
  }
  return new ShoalError(fallback, error instanceof Error ? error.message : String(error));
}
