import {
  ShoalError,
  type HashingProgress,
  type ShareInputFile,
  type ShoalErrorCode,
  type ShoalApp,
  type SwarmId,
  type TransferSnapshot,
} from './app-model.ts';
import { encodeManifest, isSwarmId, pieceCount, swarmIdOf, type Manifest } from './chunks/manifest.ts';
import { StorageError } from './chunks/piece-store.ts';
import { FilePieceStore } from './chunks/file-piece-store.ts';
import { IdbPieceStore } from './chunks/idb-piece-store.ts';
import { hashFiles } from './chunks/piece-hasher.ts';
import { saveFile } from './chunks/save-files.ts';
import { sha256 } from './chunks/sha256.ts';
import { randomPeerId } from './swarm/ids.ts';
import type { PeerId } from './swarm/picker.ts';
import { SignalingClient } from './swarm/signaling-client.ts';
import type { IceServer, Transport } from './swarm/transport.ts';
import { Transfer } from './transfer.ts';

export interface RuntimeOptions {
  signalingUrl: string;
  /** Origin + path the share links start with, e.g. `https://shoal.example/`. */
  linkBase: string;
  transport: Transport;
}

const TICK_MS = 1000;

/**
 * The browser application: one signaling connection for the page, one
 * Transfer per swarm, and the facade the UI talks to.
 */
export class ShoalRuntime implements ShoalApp {
  readonly localPeerId: PeerId = randomPeerId((n) => crypto.getRandomValues(new Uint8Array(n)));
  private readonly transfers = new Map<SwarmId, Transfer>();
  private readonly listeners = new Set<() => void>();
  private readonly signaling: SignalingClient;
  private iceServers: IceServer[] = [];
  private signalingOpen = false;
  private readonly ticker: ReturnType<typeof setInterval>;

  constructor(private readonly opts: RuntimeOptions) {
    this.signaling = new SignalingClient({
      url: opts.signalingUrl,
      peerId: this.localPeerId,
      WebSocketImpl: WebSocket,
      random: Math.random,
    });
    this.signaling.onWelcome((iceServers) => (this.iceServers = iceServers));
    this.signaling.onStatus((status) => {
      this.signalingOpen = status === 'open';
      if (!this.signalingOpen) for (const t of this.transfers.values()) t.roomLost();
      this.notify();
    });
    this.signaling.onPeers((room, peers) => this.transfers.get(room)?.roomJoined(peers));
    this.signaling.onPeerJoined((room, peer) => this.transfers.get(room)?.connector.peerJoined(peer));
    this.signaling.onPeerLeft((room, peer) => this.transfers.get(room)?.connector.peerLeft(peer));
    this.signaling.onSignal((room, from, data) =>
      this.transfers.get(room)?.connector.signalReceived(from, data),
    );
    this.ticker = setInterval(() => {
      for (const transfer of this.transfers.values()) transfer.tick();
      this.notify();
    }, TICK_MS);
  }

  async createShare(
    files: ShareInputFile[],
    opts: { onProgress?: (p: HashingProgress) => void; signal?: AbortSignal },
  ): Promise<SwarmId> {
    let manifest: Manifest;
    try {
      manifest = await hashFiles(files, {
        onProgress: (bytesHashed, totalBytes) => opts.onProgress?.({ bytesHashed, totalBytes }),
        signal: opts.signal,
      });
    } catch (error) {
      if (error instanceof DOMException && error.name === 'AbortError') throw error;
      throw asShoalError(error, 'hashing-failed');
    }
    const swarmId = await swarmIdOf(encodeManifest(manifest));
    if (this.transfers.has(swarmId)) return swarmId;
    const ordered = manifest.files.map((f) => files.find((input) => input.path === f.path)!.file);
    const count = pieceCount(manifest);
    this.start(swarmId, 'seed', manifest, new FilePieceStore(ordered, manifest), range(count));
    return swarmId;
  }

  openLink(fragment: string): SwarmId {
    const swarmId = fragment.replace(/^#/, '').trim();
    if (!isSwarmId(swarmId)) {
      throw new ShoalError('bad-link', 'The link does not contain a Shoal share id.');
    }
    if (!this.transfers.has(swarmId)) this.start(swarmId, 'leech', null, new IdbPieceStore(swarmId), []);
    return swarmId;
  }

  snapshot(swarmId: SwarmId): TransferSnapshot | undefined {
    return this.transfers.get(swarmId)?.snapshot();
  }

  subscribe(onChange: () => void): () => void {
    this.listeners.add(onChange);
    return () => this.listeners.delete(onChange);
  }

  async saveFile(swarmId: SwarmId, fileIndex: number): Promise<void> {
    const transfer = this.transfers.get(swarmId);
    const manifest = transfer?.manifest;
    if (!transfer || !manifest || !transfer.swarm.complete) {
      throw new ShoalError('save-failed', 'This file has not finished downloading yet.');
    }
    try {
      await saveFile(manifest, fileIndex, transfer.store);
    } catch (error) {
      throw asShoalError(error, 'save-failed');
    }
  }

  /** The transfer for a swarm, for diagnostics and tests. */
  transfer(swarmId: SwarmId): Transfer | undefined {
    return this.transfers.get(swarmId);
  }

  destroy(): void {
    clearInterval(this.ticker);
    for (const transfer of this.transfers.values()) transfer.destroy();
    this.signaling.close();
  }

  private start(
    swarmId: SwarmId,
    role: 'seed' | 'leech',
    manifest: Transfer['manifest'],
    store: Transfer['store'],
    storedPieces: Iterable<number>,
  ): void {
    const transfer = new Transfer({
      swarmId,
      link: this.opts.linkBase + '#' + swarmId,
      role,
      manifest,
      store,
      storedPieces,
      localPeerId: this.localPeerId,
      transport: this.opts.transport,
      room: {
        signal: (to, data) => this.signaling.signal(swarmId, to, data),
        iceServers: () => this.iceServers,
        isOpen: () => this.signalingOpen,
      },
      hash: sha256,
      now: () => performance.now(),
      random: Math.random,
      onChange: () => this.notify(),
    });
    this.transfers.set(swarmId, transfer);
    this.signaling.join(swarmId);
    this.notify();
  }

  private notify(): void {
    for (const listener of this.listeners) listener();
  }
}

/** Our own errors pass through; storage errors keep their meaning; anything else gets `fallback`. */
function asShoalError(error: unknown, fallback: ShoalErrorCode): ShoalError {
  if (error instanceof ShoalError) return error;
  if (error instanceof StorageError && error.code === 'quota-exceeded') {
    return new ShoalError('storage-full', error.message);
  }
  return new ShoalError(fallback, error instanceof Error ? error.message : String(error));
}

function range(count: number): number[] {
  return Array.from({ length: count }, (_, i) => i);
}
