import { ShoalError, toShoalError, type SaveOutcome, type SwarmId } from '../app-model.ts';
import { pieceAtFileOffset } from '../chunks/piece-layout.ts';
import { plaintextPieces, storedPieces } from '../chunks/plain-reader.ts';
import type { PieceStore } from '../chunks/piece-store.ts';
import { safeFileName } from '../chunks/safe-path.ts';
import type { SaveResult } from '../chunks/save-files.ts';
import { canPickFolder } from '../chunks/save-folder.ts';
import type { ShareContent } from '../chunks/share-access.ts';
import type { Transfer } from '../transfer.ts';
import { livePieces } from './live-pieces.ts';
import { ShareSaver } from './share-saver.ts';
import { serveStreams, type ReadableShare } from './stream-server.ts';
import { streamPath } from './stream-protocol.ts';
import { controllingScope } from './worker-scope.ts';

export interface FileAccessDeps {
  /** The transfer this tab runs for a swarm, if any. */
  transfer(swarmId: SwarmId): Transfer | undefined;
  /** What the library holds for a swarm, once the library is loaded. */
  heldContent(swarmId: SwarmId): Promise<ShareContent | null>;
  /** Synchronous look-up, for steps that must not await (pickers). */
  knownContent(swarmId: SwarmId): ShareContent | null;
  /** A store with every piece; throws when the download is not complete. */
  completeStore(swarmId: SwarmId): Promise<PieceStore>;
  /** The library's stored copy of a swarm nobody runs in this tab. */
  libraryStore(swarmId: SwarmId, content: ShareContent): Promise<PieceStore>;
}

/**
 * Everything that reads file bytes out of Shoal for the user: players on
 * stream URLs (waiting for pieces a running swarm still fetches), saves of
 * one file, a zip or a folder. The runtime only wires it up.
 */
export class FileAccess {
  private readonly saver: ShareSaver;
  private readonly stopServing: () => void;

  constructor(private readonly deps: FileAccessDeps) {
    this.saver = new ShareSaver({
      listingOf: (swarmId) => deps.knownContent(swarmId)?.listing ?? null,
      completePieces: async (swarmId) => {
        const content = deps.knownContent(swarmId);
        if (!content) throw new RangeError(`unknown swarm ${swarmId}`);
        return plaintextPieces(content, storedPieces(await deps.completeStore(swarmId)));
      },
      workerScope: () => controllingScope(),
    });
    const worker = globalThis.navigator?.serviceWorker;
    this.stopServing = worker ? serveStreams(worker, (swarmId) => this.readable(swarmId)) : () => {};
  }

  saveFile(swarmId: SwarmId, fileIndex: number): Promise<SaveOutcome> {
    return outcome(this.saver.saveFile(swarmId, fileIndex));
  }

  saveZip(swarmId: SwarmId): Promise<SaveOutcome> {
    return outcome(this.saver.saveZip(swarmId));
  }

  saveFolder(swarmId: SwarmId): Promise<SaveOutcome> {
    return outcome(this.saver.saveFolder(swarmId));
  }

  get canSaveFolder(): boolean {
    return canPickFolder();
  }

  async streamUrl(swarmId: SwarmId, fileIndex: number): Promise<string> {
    const file = this.deps.knownContent(swarmId)?.listing?.files[fileIndex];
    if (!file) throw new ShoalError('stream-unavailable', `no file ${fileIndex} in this share`);
    const scope = await controllingScope();
    if (!scope) throw new ShoalError('stream-unavailable', 'no service worker controls this page (reload it)');
    return new URL(streamPath({ kind: 'stream', swarmId, fileIndex }, safeFileName(file.path)), scope).href;
  }

  playheadMoved(swarmId: SwarmId, fileIndex: number, fraction: number | null): void {
    const transfer = this.deps.transfer(swarmId);
    const focus = transfer?.playback;
    const listing = transfer?.content?.listing;
    const size = listing?.files[fileIndex]?.size ?? 0;
    if (!focus || !listing) return;
    if (fraction === null || size === 0) return focus.setPlayhead(null);
    const offset = Math.min(size - 1, Math.max(0, Math.floor(fraction * size)));
    // Piece i of the plaintext layout is piece i of what the swarm fetches.
    focus.setPlayhead(pieceAtFileOffset(listing.geometry, fileIndex, offset));
  }

  destroy(): void {
    this.stopServing();
  }

  /** What players and downloads read: the running swarm (waiting for missing pieces), else the library. */
  private async readable(swarmId: SwarmId): Promise<ReadableShare | null> {
    const transfer = this.deps.transfer(swarmId);
    const focus = transfer?.playback;
    const live = transfer?.content;
    if (live?.listing && transfer && focus) {
      return { listing: live.listing, pieces: plaintextPieces(live, livePieces(transfer.swarm, transfer.store, focus)) };
    }
    const held = await this.deps.heldContent(swarmId);
    if (!held?.listing) return null;
    return { listing: held.listing, pieces: plaintextPieces(held, storedPieces(await this.deps.libraryStore(swarmId, held))) };
  }
}

async function outcome(save: Promise<SaveResult>): Promise<SaveOutcome> {
  try {
    return (await save).outcome;
  } catch (error) {
    throw toShoalError(error, 'save-failed');
  }
}
