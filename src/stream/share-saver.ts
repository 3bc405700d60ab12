import type { SwarmId } from '../chunks/manifest.ts';
import type { FileIndex } from '../chunks/piece-layout.ts';
import { fileStream, type PieceSource } from '../chunks/plain-reader.ts';
import { safeFileName } from '../chunks/safe-path.ts';
import { downloadAsBlob, downloadThroughWorker, pickSaveFile, writeStream, type SaveResult } from '../chunks/save-files.ts';
import { pickFolder, writeFolder } from '../chunks/save-folder.ts';
import { zipShare } from '../chunks/save-zip.ts';
import type { Listing } from '../chunks/share-access.ts';
import { streamPath, type StreamTarget } from './stream-protocol.ts';

export interface SaverDeps {
  /** The readable listing, if this page knows the swarm and holds its key; read before any await so pickers keep the click's activation. */
  listingOf(swarmId: SwarmId): Listing | null;
  /** The plaintext pieces of a complete copy; throws when the download is not complete. */
  completePieces(swarmId: SwarmId): Promise<PieceSource>;
  /** The controlling service worker's scope, or null (then downloads go through a Blob). */
  workerScope(): Promise<string | null>;
}

/**
 * Saving one file, or a whole share as a zip or a folder. Each goes to the
 * picked file or folder where the browser can write them (File System
 * Access), else to the download manager through a service-worker stream;
 * nothing is ever gathered in memory.
 */
export class ShareSaver {
  constructor(private readonly deps: SaverDeps) {}

  async saveFile(swarmId: SwarmId, fileIndex: FileIndex): Promise<SaveResult> {
    const file = this.listing(swarmId).files[fileIndex];
    if (!file) throw new RangeError(`file index ${fileIndex} out of range`);
    const name = safeFileName(file.path);
    return this.deliver({ kind: 'save', swarmId, fileIndex }, name, file.mime, (m, pieces) =>
      fileStream(m, fileIndex, pieces),
    );
  }

  async saveZip(swarmId: SwarmId): Promise<SaveResult> {
    const name = `${safeFileName(this.listing(swarmId).name)}.zip`;
    return this.deliver({ kind: 'zip', swarmId }, name, 'application/zip', (m, pieces) => zipShare(m, pieces).stream);
  }

  async saveFolder(swarmId: SwarmId): Promise<SaveResult> {
    const listing = this.listing(swarmId);
    const folder = await pickFolder();
    if (folder === 'cancelled') return { outcome: 'cancelled' };
    await writeFolder(folder, listing, await this.deps.completePieces(swarmId));
    return { outcome: 'saved' };
  }

  private async deliver(
    target: StreamTarget,
    name: string,
    mime: string,
    open: (listing: Listing, pieces: PieceSource) => ReadableStream<Uint8Array>,
  ): Promise<SaveResult> {
    const listing = this.listing(target.swarmId);
    const handle = await pickSaveFile(name);
    if (handle === 'cancelled') return { outcome: 'cancelled' };
    const pieces = await this.deps.completePieces(target.swarmId);
    if (handle) {
      await writeStream(handle, open(listing, pieces));
      return { outcome: 'saved' };
    }
    const scope = await this.deps.workerScope();
    if (scope) downloadThroughWorker(new URL(streamPath(target, name), scope).href);
    else await downloadAsBlob(open(listing, pieces), name, mime);
    return { outcome: 'downloaded' };
  }

  private listing(swarmId: SwarmId): Listing {
    const listing = this.deps.listingOf(swarmId);
    if (!listing) throw new RangeError(`no readable listing for swarm ${swarmId}`);
    return listing;
  }
}
