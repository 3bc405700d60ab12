import { ReadError } from './plain-reader.ts';
import { CodedError } from '../coded-error.ts';

/**
 * Writing bytes the user asked to save, without holding a whole file in the
 * JS heap: streamed into a file or folder the user picks (File System Access
 * API, Chromium), or handed to the browser's download manager (a URL the
 * service worker streams, or a Blob, whose bytes Chromium keeps outside the
 * heap and pages to disk).
 */

export type SaveResult =
  /** Written through a save or folder picker. */
  | { outcome: 'saved' }
  /** Handed to the browser's download manager. */
  | { outcome: 'downloaded' }
  /** The user closed the picker; nothing was written and that is fine. */
  | { outcome: 'cancelled' };

export class SaveError extends CodedError<'write-failed'> {
  override name = 'SaveError';
  constructor(message: string, options?: { cause?: unknown }) {
    super('write-failed', message, options);
  }
}

/** Chromium-only, so not in lib.dom. */
type SaveFilePicker = (options: { suggestedName: string }) => Promise<FileSystemFileHandle>;

// Long enough for the download manager to take the blob over.
const REVOKE_AFTER_MS = 60_000;

/**
 * Asks where to save, if this browser can write files directly: a handle,
 * 'cancelled', or null where it cannot (then the caller downloads). Call it
 * first in a click handler: the picker needs the click's user activation.
 */
export async function pickSaveFile(suggestedName: string): Promise<FileSystemFileHandle | 'cancelled' | null> {
  const picker = (globalThis as { showSaveFilePicker?: SaveFilePicker }).showSaveFilePicker;
  if (typeof picker !== 'function') return null;
  try {
    return await picker.call(globalThis, { suggestedName });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') return 'cancelled';
    throw new SaveError(`could not open a file to save into: ${String(error)}`, { cause: error });
  }
}

/** Streams into a picked file; a failure discards the partial file (Chromium writes a swap file until close). */
export async function writeStream(handle: FileSystemFileHandle, stream: ReadableStream<Uint8Array>): Promise<void> {
  let writable: FileSystemWritableFileStream;
  try {
    writable = await handle.createWritable();
  } catch (error) {
    await stream.cancel(error);
    throw new SaveError(`could not write ${handle.name}: ${String(error)}`, { cause: error });
  }
  try {
    // pipeTo aborts the writable (discarding the swap file) when the source errors.
    await stream.pipeTo(writable as WritableStream<Uint8Array>);
  } catch (error) {
    if (error instanceof ReadError) throw error;
    throw new SaveError(`could not write ${handle.name}: ${String(error)}`, { cause: error });
  }
}

/**
 * Hands a service-worker URL to the download manager: a hidden frame
 * navigates to it and its attachment response becomes a download.
 * (Chromium does not route `<a download>` through the service worker.)
 */
export function downloadThroughWorker(url: string): void {
  const frame = document.createElement('iframe');
  frame.hidden = true;
  frame.src = url;
  document.body.append(frame);
  setTimeout(() => frame.remove(), REVOKE_AFTER_MS);
}

/** Hands a same-document URL (a Blob's) to the download manager under `name`. */
function startDownload(url: string, name: string): void {
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.style.display = 'none';
  document.body.append(link);
  link.click();
  link.remove();
}

/** Without a service worker: the stream becomes a Blob (outside the JS heap) and is downloaded from there. */
export async function downloadAsBlob(stream: ReadableStream<Uint8Array>, name: string, mime: string): Promise<void> {
  const blob = await new Response(stream, { headers: { 'content-type': mime } }).blob();
  const url = URL.createObjectURL(blob);
  startDownload(url, name);
  setTimeout(() => URL.revokeObjectURL(url), REVOKE_AFTER_MS);
}
