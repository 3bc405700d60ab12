import { pieceCount } from './manifest.ts';
import { directPieceReader, type OpenPieceReader, type PieceReader } from './piece-reader.ts';
import type { Listing, ShareContent } from './share-access.ts';
import { StorageError, checkPieceIndex, type PieceIndex, type PieceStore } from './piece-store.ts';

/**
 * A seed's store: a read-only view of the files the user dropped, in
 * manifest order, so sharing copies nothing into IndexedDB. It holds every
 * piece, so the swarm never puts into it; a put means a caller bug and
 * fails. A private share's pieces are encrypted as they are read, so the
 * files stay the only copy of the content. Pieces are not re-verified here: if a file changed on disk the
 * browser refuses the read, and downloaders verify every piece anyway.
 */
export class FilePieceStore implements PieceStore {
  private reader: PieceReader | null;
  private readonly listing: Listing;

  /** `openReader`: where pieces are read (the page uses a worker). */
  constructor(
    files: readonly Blob[],
    private readonly content: ShareContent,
    openReader: OpenPieceReader = directPieceReader,
  ) {
    if (!content.listing) throw new RangeError('a seed needs the listing of its files');
    this.listing = content.listing;
    if (files.length !== this.listing.files.length) {
      throw new RangeError(`${files.length} files for a listing of ${this.listing.files.length}`);
    }
    this.reader = openReader([...files], this.listing.geometry, content.pieceKey);
  }

  async get(index: PieceIndex): Promise<Uint8Array | undefined> {
    checkPieceIndex(index);
    if (!this.reader) throw new StorageError('unavailable', 'store destroyed');
    if (index >= pieceCount(this.content.manifest)) return undefined;
    return this.reader.read(index);
  }

  async put(index: PieceIndex, bytes: Uint8Array): Promise<void> {
    throw new StorageError('unavailable', `piece ${index} (${bytes.byteLength} bytes): a seed's files are read-only`);
  }

  async indices(): Promise<PieceIndex[]> {
    if (!this.reader) return [];
    return Array.from({ length: pieceCount(this.content.manifest) }, (_, i) => i);
  }

  /** Forgets the files; the user's files on disk are never touched. */
  async destroy(): Promise<void> {
    this.reader?.close();
    this.reader = null;
  }
}
