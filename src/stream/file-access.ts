import { ShoalError, type SaveOutcome, type SwarmId } from '../app-model.ts';
import type { Manifest } from '../chunks/manifest.ts';
import { pieceAtFileOffset } from '../chunks/piece-layout.ts';
import { storedPieces } from '../chunks/plain-reader.ts';
import type { PieceStore } from '../chunks/piece-store.ts';
import { safeFileName } from '../chunks/safe-path.ts';
import type { SaveResult } from '../chunks/save-files.ts';
import { canPickFolder } from '../chunks/save-folder.ts';
import { asShoalError } from '../shoal-error.ts';
import type { Transfer } from '../transfer.ts';
import { livePieces } from './live-pieces.ts';
import { ShareSaver } from './share-saver.ts';
import { serveStreams, type ReadableShare } from './stream-server.ts';
import { streamPath } from './stream-protocol.ts';
import { controllingScope } from './worker-scope.ts';

export interface FileAccessDeps {
  /** The transfer this tab runs for a swarm, if any. */
  transfer(swarmId: SwarmId): Transfer | undefined;
  /** The manifest the library holds for a swarm, once the library is loaded. */
  heldManifest(swarmId: SwarmId): Promise<Manifest | null>;
  /** Synchronous look-up, for steps that must not await (pickers). */
  knownManifest(swarmId: SwarmId): Manifest | null;
  /** A store with every piece; throws when the download is not complete. */
  completeStore(swarmId: SwarmId): Promise<PieceStore>;
  /** The library's stored pieces of a swarm nobody runs in this tab. */
  libraryStore(swarmId: SwarmId): PieceStore;
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
      manifestOf: (swarmId) => deps.knownManifest(swarmId),
      completePieces: async (swarmId) => storedPieces(await deps.completeStore(swarmId)),
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
    const file = this.deps.knownManifest(swarmId)?.files[fileIndex];
    if (!file) throw new ShoalError('stream-unavailable', `no file ${fileIndex} in this share`);
    const scope = await controllingScope();
    if (!scope) throw new ShoalError('stream-unavailable', 'no service worker controls this page (reload it)');
    return new URL(streamPath({ kind: 'stream', swarmId, fileIndex }, safeFileName(file.path)), scope).href;
  }

  playheadMoved(swarmId: SwarmId, fileIndex: number, fraction: number | null): void {
    const transfer = this.deps.transfer(swarmId);
    const focus = transfer?.playback;
    const size = transfer?.manifest?.files[fileIndex]?.size ?? 0;
    if (!focus || !transfer.manifest) return;
    if (fraction === null || size === 0) return focus.setPlayhead(null);
    const offset = Math.min(size - 1, Math.max(0, Math.floor(fraction * size)));
    focus.setPlayhead(pieceAtFileOffset(transfer.manifest, fileIndex, offset));
  }

  destroy(): void {
    this.stopServing();
  }

  /** What players and downloads read: the running swarm (waiting for missing pieces), else the library. */
  private async readable(swarmId: SwarmId): Promise<ReadableShare | null> {
    const transfer = this.deps.transfer(swarmId);
    const focus = transfer?.playback;
    if (transfer?.manifest && focus) {
      return { manifest: transfer.manifest, pieces: livePieces(transfer.swarm, transfer.store, focus) };
    }
    const manifest = await this.deps.heldManifest(swarmId);
    return manifest && { manifest, pieces: storedPieces(this.deps.libraryStore(swarmId)) };
  }
}

async function outcome(save: Promise<SaveResult>): Promise<SaveOutcome> {
  try {
    return (await save).outcome;
  } catch (error) {
    throw asShoalError(error, 'save-failed');
  }
}
