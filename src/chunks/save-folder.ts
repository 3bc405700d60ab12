import type { Listing } from './share-access.ts';
import { ReadError, fileStream, type PieceSource } from './plain-reader.ts';
import { SaveError, writeStream } from './save-files.ts';
import { safeSegments } from './safe-path.ts';

/** Chromium-only, so not in lib.dom. */
type DirectoryPicker = (options: { mode: 'readwrite' }) => Promise<FileSystemDirectoryHandle>;

export function canPickFolder(): boolean {
  return typeof (globalThis as { showDirectoryPicker?: DirectoryPicker }).showDirectoryPicker === 'function';
}

/** A folder the user picks to save into, or 'cancelled'. Call it first in a click handler. */
export async function pickFolder(): Promise<FileSystemDirectoryHandle | 'cancelled'> {
  const picker = (globalThis as { showDirectoryPicker?: DirectoryPicker }).showDirectoryPicker;
  if (typeof picker !== 'function') throw new SaveError('this browser cannot save into a folder');
  try {
    return await picker.call(globalThis, { mode: 'readwrite' });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') return 'cancelled';
    throw new SaveError(`could not open the folder: ${String(error)}`, { cause: error });
  }
}

/** Recreates the share's tree under `root`, one file streamed at a time. */
export async function writeFolder(root: FileSystemDirectoryHandle, m: Listing, pieces: PieceSource): Promise<void> {
  for (let i = 0; i < m.files.length; i++) {
    const segments = safeSegments(m.files[i].path);
    let dir = root;
    try {
      for (const segment of segments.slice(0, -1)) dir = await dir.getDirectoryHandle(segment, { create: true });
      const file = await dir.getFileHandle(segments.at(-1)!, { create: true });
      await writeStream(file, fileStream(m, i, pieces));
    } catch (error) {
      if (error instanceof SaveError || error instanceof ReadError) throw error;
      throw new SaveError(`could not write ${segments.join('/')}: ${String(error)}`, { cause: error });
    }
  }
}
