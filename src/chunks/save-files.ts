import { fileChunks, type PlainReader } from './plain-reader.ts';
import { StorageError } from './piece-store.ts';
import { SaveError } from './save-error.ts';

export { SaveError, type SaveErrorCode } from './save-error.ts';

/**
 * Turning stored pieces back into the user's files without holding a whole
 * file in the JS heap: either streamed piece by piece into a file the user
 * picks (File System Access API), or as a Blob built from per-piece Blobs,
 * whose bytes Chromium keeps outside the heap and pages to disk.
 */

export type SaveResult =
  /** Written through the save picker. */
  | { outcome: 'saved' }
  /** Handed to the browser's download manager. */
  | { outcome: 'downloaded' }
  /** The user closed the save picker; nothing was written and that is fine. */
  | { outcome: 'cancelled' };

/** Chromium-only, so not in lib.dom. */
type SaveFilePicker = (options: { suggestedName: string }) => Promise<FileSystemFileHandle>;

// Long enough for the download manager to take the blob over.
const REVOKE_AFTER_MS = 60_000;

export async function assembleFile(reader: PlainReader, fileIndex: number): Promise<Blob> {
  const parts: Blob[] = [];
  for await (const chunk of fileChunks(reader, fileIndex)) parts.push(new Blob([chunk]));
  return new Blob(parts, { type: reader.listing.files[fileIndex].mime });
}

/**
 * `download` hands the file to the browser's download manager (works
 * everywhere, no dialog); `picker` asks where to write it and streams there
 * (File System Access, Chromium), falling back to a download elsewhere.
 */
export type SaveMethod = 'download' | 'picker';

export async function saveFile(reader: PlainReader, fileIndex: number, method: SaveMethod = 'download'): Promise<SaveResult> {
  const file = reader.listing.files[fileIndex];
  if (!file) throw new RangeError(`file index ${fileIndex} out of range`);
  const name = basename(file.path);
  const picker = (globalThis as { showSaveFilePicker?: SaveFilePicker }).showSaveFilePicker;
  if (picker && method === 'picker') {
    // Called before any other await: the picker needs the click's user activation.
    let handle: FileSystemFileHandle;
    try {
      handle = await picker.call(globalThis, { suggestedName: name });
    } catch (error) {
      if (error instanceof DOMException && error.name === 'AbortError') return { outcome: 'cancelled' };
      throw new SaveError('write-failed', `could not open a file to save into: ${String(error)}`, { cause: error });
    }
    await streamInto(handle, reader, fileIndex);
    return { outcome: 'saved' };
  }
  const url = URL.createObjectURL(await assembleFile(reader, fileIndex));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.style.display = 'none';
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), REVOKE_AFTER_MS);
  return { outcome: 'downloaded' };
}

async function streamInto(handle: FileSystemFileHandle, reader: PlainReader, fileIndex: number): Promise<void> {
  let writable: FileSystemWritableFileStream;
  try {
    writable = await handle.createWritable();
  } catch (error) {
    throw new SaveError('write-failed', `could not write ${handle.name}: ${String(error)}`, { cause: error });
  }
  try {
    for await (const chunk of fileChunks(reader, fileIndex)) await writable.write(chunk);
    await writable.close();
  } catch (error) {
    // Abort discards the partial file (Chromium writes to a swap file until close).
    await writable.abort(error).catch((abortError: unknown) => console.warn('save: abort failed', abortError));
    if (error instanceof SaveError || error instanceof StorageError) throw error;
    throw new SaveError('write-failed', `could not write ${handle.name}: ${String(error)}`, { cause: error });
  }
}

function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}
