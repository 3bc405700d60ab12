import { makeZip, predictLength } from 'client-zip';
import type { Listing } from './share-access.ts';
import { fileStream, type PieceSource } from './plain-reader.ts';
import { safeFileName, safeRelativePath } from './safe-path.ts';

export interface ShareZip {
  name: string;
  /** Exact length of the archive, known before any byte is read. */
  bytes: number;
  stream: ReadableStream<Uint8Array>;
}

/**
 * Every file of a share as one zip, built as it is read: client-zip stores
 * entries uncompressed and pulls each file's stream only when it reaches it.
 */
export function zipShare(m: Listing, pieces: PieceSource): ShareZip {
  const entries = m.files.map((f) => ({ name: safeRelativePath(f.path), size: f.size }));
  return {
    name: `${safeFileName(m.name)}.zip`,
    bytes: Number(predictLength(entries)),
    stream: makeZip(
      (function* () {
        for (let i = 0; i < entries.length; i++) yield { ...entries[i], input: fileStream(m, i, pieces) };
      })(),
    ),
  };
}
