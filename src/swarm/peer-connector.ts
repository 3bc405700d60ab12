import type { Channel } from './channel.ts';
import type { PeerId } from './picker.ts';
import type { IceServer, PendingConnection, SignalData, Transport } from './transport.ts';

/** The part of a swarm the connector needs: somewhere to put channels, and who is connected. */
export interface ChannelSink {
  addChannel(channel: Channel, expectedPeer: PeerId): void;
  /** Connected peers, including ones whose channel is open but still handshaking. */
  connectedPeers(): PeerId[];
  isBanned(peer: PeerId): boolean;
}

export interface PeerConnectorOptions {
  localPeerId: PeerId;
  transport: Transport;
  sink: ChannelSink;
  sendSignal: (to: PeerId, data: SignalData) => void;
  iceServers: () => IceServer[];
  now: () => number;
  random: () => number;
  maxPeers?: number;
  connectTimeoutMs?: number;
}

interface KnownPeer {
  failures: number;
  nextAttemptAt: number;
}

interface Attempt {
  connection: PendingConnection;
  startedAt: number;
}

/**
 * More neighbours give a piece more sources to spread from (100-peer flash
 * crowd, simulator, six seeds: 20 → 30 neighbours, 1.636 → 1.571 of the
 * bound), and an idle one costs a browser about 0.2 MiB and 0.07% of a core
 * (`npm run bench`, connections).
 */
const DEFAULT_MAX_PEERS = 30;

/**
 * Turns the room's peer list into connections: an address book of who is in
 * the room, at most `maxPeers` connections, retries with backoff, and a
 * deterministic rule for who offers (the lower peer id) so two peers never
 * negotiate twice at once.
 */
export class PeerConnector {
  private readonly known = new Map<PeerId, KnownPeer>();
  private readonly attempts = new Map<PeerId, Attempt>();
  private readonly maxPeers: number;
  private destroyed = false;

  constructor(private readonly opts: PeerConnectorOptions) {
    // A little jitter keeps a crowd that all hit the same cap from forming identical clusters.
    const cap = opts.maxPeers ?? DEFAULT_MAX_PEERS;
    this.maxPeers = cap + Math.floor(opts.random() * 3);
  }

  peersListed(peers: PeerId[]): void {
    for (const peer of peers) this.remember(peer);
    this.fill();
  }

  peerJoined(peer: PeerId): void {
    this.remember(peer);
    this.fill();
  }

  peerLeft(peer: PeerId): void {
    this.known.delete(peer);
    this.attempts.get(peer)?.connection.destroy();
    this.attempts.delete(peer);
  }

  /** A connected peer's session ended: make room for someone else. */
  disconnected(): void {
    this.fill();
  }

  signalReceived(from: PeerId, data: SignalData): void {
    if (this.destroyed || from === this.opts.localPeerId) return;
    this.remember(from);
    let attempt = this.attempts.get(from);
    if (!attempt) {
      // Only the lower id offers; an offer from a higher id breaks the rule and is ignored.
      const isOffer = data.type === 'offer';
      if (!isOffer || from > this.opts.localPeerId || !this.hasRoom() || this.isConnected(from)) return;
      attempt = this.start(from, false);
    }
    attempt.connection.signal(data);
  }

  /** Timeouts and refilling; call about once a second. */
  tick(): void {
    const now = this.opts.now();
    const timeoutMs = this.opts.connectTimeoutMs ?? 15_000;
    for (const [peer, attempt] of this.attempts) {
      if (now - attempt.startedAt > timeoutMs) this.fail(peer, attempt);
    }
    this.fill();
  }

  connectingCount(): number {
    return this.attempts.size;
  }

  destroy(): void {
    this.destroyed = true;
    for (const attempt of this.attempts.values()) attempt.connection.destroy();
    this.attempts.clear();
  }

  private remember(peer: PeerId): void {
    if (peer === this.opts.localPeerId || this.known.has(peer)) return;
    this.known.set(peer, { failures: 0, nextAttemptAt: 0 });
  }

  private isConnected(peer: PeerId): boolean {
    return this.opts.sink.connectedPeers().includes(peer);
  }

  private hasRoom(): boolean {
    return this.opts.sink.connectedPeers().length + this.attempts.size < this.maxPeers;
  }

  private fill(): void {
    if (this.destroyed) return;
    const now = this.opts.now();
    const connected = new Set(this.opts.sink.connectedPeers());
    for (const [peer, info] of this.known) {
      if (!this.hasRoom()) return;
      if (peer < this.opts.localPeerId) continue; // the lower id offers: they will call us
      if (connected.has(peer) || this.attempts.has(peer) || info.nextAttemptAt > now) continue;
      if (this.opts.sink.isBanned(peer)) continue;
      this.start(peer, true);
    }
  }

  private start(peer: PeerId, initiator: boolean): Attempt {
    const connection = this.opts.transport.connect({
      initiator,
      iceServers: this.opts.iceServers(),
      sendSignal: (data) => this.opts.sendSignal(peer, data),
    });
    const attempt = { connection, startedAt: this.opts.now() };
    this.attempts.set(peer, attempt);
    connection.channel.then(
      (channel) => {
        if (this.attempts.get(peer) !== attempt) {
          channel.close();
          return;
        }
        this.attempts.delete(peer);
        const info = this.known.get(peer);
        if (info) info.failures = 0;
        this.opts.sink.addChannel(channel, peer);
      },
      () => {
        if (this.attempts.get(peer) === attempt) this.fail(peer, attempt);
      },
    );
    return attempt;
  }

  private fail(peer: PeerId, attempt: Attempt): void {
    attempt.connection.destroy();
    this.attempts.delete(peer);
    const info = this.known.get(peer);
    if (!info) return;
    info.failures++;
    const backoffMs = Math.min(60_000, 1000 * 2 ** info.failures) * (0.5 + this.opts.random());
    info.nextAttemptAt = this.opts.now() + backoffMs;
  }
}
