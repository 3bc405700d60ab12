import { pieceCount, type Manifest } from './manifest.ts';
import { readPieceFromFiles } from './file-piece-reader.ts';
import { StorageError, checkPieceIndex, type PieceIndex, type PieceStore } from './piece-store.ts';

/**
 * A seed's store: a read-only view of the files the user dropped, in
 * manifest order, so sharing copies nothing into IndexedDB. It holds every
 * piece, so the swarm never puts into it; a put means a caller bug and
 * fails. Pieces are not re-verified here: if a file changed on disk the
 * browser refuses the read, and downloaders verify every piece anyway.
 */
export class FilePieceStore implements PieceStore {
  private files: readonly Blob[] | null;

  constructor(
    files: readonly Blob[],
    private readonly manifest: Manifest,
  ) {
    if (files.length !== manifest.files.length) {
      throw new RangeError(`${files.length} files for a manifest of ${manifest.files.length}`);
    }
    this.files = [...files];
  }

  async get(index: PieceIndex): Promise<Uint8Array | undefined> {
    checkPieceIndex(index);
    if (!this.files) throw new StorageError('unavailable', 'store destroyed');
    if (index >= pieceCount(this.manifest)) return undefined;
    return readPieceFromFiles(this.files, this.manifest, index);
  }

  async put(index: PieceIndex, bytes: Uint8Array): Promise<void> {
    throw new StorageError('unavailable', `piece ${index} (${bytes.byteLength} bytes): a seed's files are read-only`);
  }

  async indices(): Promise<PieceIndex[]> {
    if (!this.files) return [];
    return Array.from({ length: pieceCount(this.manifest) }, (_, i) => i);
  }

  /** Forgets the files; the user's files on disk are never touched. */
  async destroy(): Promise<void> {
    this.files = null;
  }
}
