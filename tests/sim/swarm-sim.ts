import { totalBytes } from '../../src/chunks/manifest.ts';
import { MemoryPieceStore } from '../../src/chunks/memory-piece-store.ts';
import type { PieceIndex, PieceStore } from '../../src/chunks/piece-store.ts';
import { sha256 } from '../../src/chunks/sha256.ts';
import type { PeerId } from '../../src/swarm/picker.ts';
import type { SwarmOptions } from '../../src/swarm/swarm-options.ts';
import { Swarm } from '../../src/swarm/swarm.ts';
import { decodeMessage, tagOf } from '../../src/swarm/wire.ts';
import { randomPeerIdFrom, seededRandom, type Content } from '../support/content.ts';
import { EventQueue } from './event-queue.ts';
import { SimHost, simulatedLinkPair, type HostLink } from './simulated-link.ts';

export interface SimPeerSpec {
  link: HostLink;
  seed?: boolean;
  /** Serves corrupted blocks (a poisoning peer). */
  poison?: boolean;
  joinAtMs?: number;
  /** Leaves (closes every connection) at this time. */
  leaveAtMs?: number;
  /** Leaves once its uplink has sent this many bytes of piece data (block payloads). */
  leaveAfterPieceBytes?: number;
}

export interface SimPeer {
  id: PeerId;
  spec: SimPeerSpec;
  host: SimHost;
  swarm: Swarm;
  store: MemoryPieceStore;
  online: boolean;
  joinedAtMs: number | null;
  completedAtMs: number | null;
  /** Block payload bytes its uplink has sent; counted only for a peer that leaves after a number of them. */
  pieceBytesSent: number;
}

export interface SimConfig {
  content: Content;
  seed: number;
  maxPeers: number;
  tickMs: number;
  swarm?: Partial<SwarmOptions>;
}

/**
 * N virtual peers, each running the real Swarm over simulated links on one
 * virtual clock. The simulation plays tracker: a joining peer is connected
 * to random online peers, and peers below half their cap get more on tick.
 */
export class SwarmSim {
  readonly queue = new EventQueue();
  readonly peers: SimPeer[] = [];
  private readonly random: () => number;
  private readonly links = new Set<string>();
  /** Links per peer, counted from creation (not handshake), so simultaneous joiners respect the cap. */
  private readonly linkCount = new Map<SimPeer, number>();

  constructor(private readonly config: SimConfig) {
    this.random = seededRandom(config.seed);
  }

  addPeer(spec: SimPeerSpec): SimPeer {
    const { content } = this.config;
    const store = new SharedContentStore(content.pieces);
    // Mixed, not the parent's next state: seeding with it would make each peer's stream a shifted copy of another's.
    const peerRandom = seededRandom((Math.floor(this.random() * 0xffffffff) ^ 0x9e3779b9) + peers(this));
    const tracked = this.trackedStore(store);
    const peer: SimPeer = {
      id: randomPeerIdFrom(peerRandom),
      spec,
      host: new SimHost(this.queue, spec.link),
      store,
      online: false,
      joinedAtMs: null,
      completedAtMs: null,
      pieceBytesSent: 0,
      swarm: null as unknown as Swarm,
    };
    if (spec.seed) for (let i = 0; i < content.pieces.length; i++) void store.put(i, content.pieces[i]);
    peer.swarm = new Swarm({
      swarmId: content.swarmId,
      localPeerId: peer.id,
      manifest: spec.seed ? content.manifest : null,
      store: tracked,
      storedPieces: spec.seed ? content.pieces.map((_, i) => i) : [],
      hash: this.queue.tracked(sha256),
      now: this.queue.now,
      random: peerRandom,
      corruptUploads: spec.poison,
      ...this.config.swarm,
    });
    peer.swarm.events.on('completed', () => (peer.completedAtMs ??= this.queue.now()));
    this.peers.push(peer);
    this.queue.at(spec.joinAtMs ?? 0, () => this.join(peer));
    if (spec.leaveAtMs !== undefined) this.queue.at(spec.leaveAtMs, () => this.leave(peer));
    return peer;
  }

  leave(peer: SimPeer): void {
    if (!peer.online) return;
    peer.online = false;
    peer.swarm.destroy();
  }

  async run(opts: { untilMs: number; done: () => boolean }): Promise<void> {
    await this.queue.settle();
    await this.queue.run(opts);
  }

  private join(peer: SimPeer): void {
    peer.online = true;
    peer.joinedAtMs = this.queue.now();
    this.connectMore(peer);
    const limit = peer.spec.leaveAfterPieceBytes;
    // Bytes that left the uplink, not bytes queued on channels (those would be lost on leaving),
    // checked as each frame goes out so the peer leaves right after the frame that crosses the limit.
    if (limit !== undefined) {
      peer.host.onSent = (frame) => {
        if (frame[0] !== tagOf('block')) return;
        const message = decodeMessage(frame, { pieceCount: null });
        if (message.type === 'block') peer.pieceBytesSent += message.data.byteLength;
        if (peer.pieceBytesSent >= limit) this.leave(peer);
      };
    }
    const tickOffset = this.random() * this.config.tickMs;
    this.queue.every(this.config.tickMs, this.queue.now() + tickOffset, () => {
      if (!peer.online) return false;
      peer.swarm.tick();
      if (this.linksOf(peer) < this.config.maxPeers / 2) this.connectMore(peer);
      return true;
    });
  }

  /** Connects `peer` to random online peers (not banned, not yet linked) up to its cap. */
  private connectMore(peer: SimPeer): void {
    const candidates = this.peers.filter(
      (p) =>
        p !== peer &&
        p.online &&
        !this.links.has(linkKey(peer, p)) &&
        !peer.swarm.isBanned(p.id) &&
        !p.swarm.isBanned(peer.id) &&
        // Like a real client, accept somewhat more connections than we open, or late joiners
        // find everyone full and form an island among themselves.
        this.linksOf(p) < this.config.maxPeers * 1.5,
    );
    const wanted = this.config.maxPeers - this.linksOf(peer);
    for (let n = 0; n < wanted && candidates.length > 0; n++) {
      const [other] = candidates.splice(Math.floor(this.random() * candidates.length), 1);
      this.links.add(linkKey(peer, other));
      this.linkCount.set(peer, this.linksOf(peer) + 1);
      this.linkCount.set(other, this.linksOf(other) + 1);
      const [a, b] = simulatedLinkPair(this.queue, peer.host, other.host);
      peer.swarm.addChannel(a);
      other.swarm.addChannel(b);
      wrapClose(a, () => {
        this.links.delete(linkKey(peer, other));
        this.linkCount.set(peer, this.linksOf(peer) - 1);
        this.linkCount.set(other, this.linksOf(other) - 1);
      });
    }
  }

  private linksOf(peer: SimPeer): number {
    return this.linkCount.get(peer) ?? 0;
  }

  /** Counts store calls as async work the clock must wait for. */
  private trackedStore(store: MemoryPieceStore): PieceStore {
    return {
      get: this.queue.tracked((i: number) => store.get(i)),
      put: this.queue.tracked((i: number, bytes: Uint8Array) => store.put(i, bytes)),
      indices: () => store.indices(),
      destroy: () => store.destroy(),
    };
  }

  fileBytes(): number {
    return totalBytes(this.config.content.manifest);
  }
}

/**
 * A piece equal to the content's is held as a reference to it: a hundred
 * peers holding a 64 MiB file would otherwise need 6.4 GB. Anything else
 * (a poisoned piece that got through) is copied, so checks against the
 * content still see it.
 */
class SharedContentStore extends MemoryPieceStore {
  constructor(private readonly content: readonly Uint8Array[]) {
    super();
  }

  protected override keep(index: PieceIndex, bytes: Uint8Array): Uint8Array {
    const original = this.content[index];
    return original && Buffer.from(bytes).equals(original) ? original : super.keep(index, bytes);
  }
}

function peers(sim: SwarmSim): number {
  return sim.peers.length;
}

function linkKey(a: SimPeer, b: SimPeer): string {
  return a.id < b.id ? `${a.id}|${b.id}` : `${b.id}|${a.id}`;
}

/** Runs `after` once the channel has closed, keeping the session's own close handler. */
function wrapClose(channel: { onClose: ((error?: Error) => void) | null }, after: () => void): void {
  const inner = channel.onClose;
  channel.onClose = (error) => {
    inner?.(error);
    after();
  };
}
