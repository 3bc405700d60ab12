import type { SwarmId } from './app-model.ts';
import type { PeerId } from './swarm/picker.ts';
import { SignalingClient, type EarlySocket } from './swarm/signaling-client.ts';
import type { IceServer, SignalData } from './swarm/transport.ts';

/** How a transfer reaches its room: signals to its peers, and the ICE servers the server named. */
export interface RoomLink {
  signal(to: PeerId, data: SignalData): void;
  iceServers(): IceServer[];
  isOpen(): boolean;
}

/** What the signaling server says about one room, for the transfer running it. */
export interface RoomListener {
  roomJoined(peers: PeerId[]): void;
  /** The signaling connection dropped: the room must be joined again. */
  roomLost(): void;
  peerJoined(peer: PeerId): void;
  peerLeft(peer: PeerId): void;
  signalReceived(from: PeerId, data: SignalData): void;
}

/**
 * One room's events, held until its transfer attaches and passed straight
 * on after that. Opening a link joins the room at once, while the library and the swarm's stored pieces are still being read
 * from IndexedDB (on a first visit that alone takes a few hundred
 * milliseconds); what the server says meanwhile (the peer list, offers,
 * candidates) waits here and reaches the transfer in order once it is
 * attached, so the peers' handshakes are not held up by storage.
 */
export class RoomEvents implements RoomListener {
  private waiting: Array<(listener: RoomListener) => void> = [];
  private listener: RoomListener | null = null;

  attach(listener: RoomListener): void {
    this.listener = listener;
    for (const event of this.waiting.splice(0)) event(listener);
  }

  roomJoined(peers: PeerId[]): void {
    this.deliver((l) => l.roomJoined(peers));
  }

  roomLost(): void {
    this.deliver((l) => l.roomLost());
  }

  peerJoined(peer: PeerId): void {
    this.deliver((l) => l.peerJoined(peer));
  }

  peerLeft(peer: PeerId): void {
    this.deliver((l) => l.peerLeft(peer));
  }

  signalReceived(from: PeerId, data: SignalData): void {
    this.deliver((l) => l.signalReceived(from, data));
  }

  private deliver(event: (listener: RoomListener) => void): void {
    if (this.listener) event(this.listener);
    else this.waiting.push(event);
  }
}

/**
 * The page's one signaling connection, and the rooms this tab is in: one
 * per swarm it runs, joined the moment the swarm is wanted (see RoomEvents).
 */
export class SignalingRooms {
  private readonly client: SignalingClient;
  private readonly rooms = new Map<SwarmId, RoomEvents>();
  private iceServers: IceServer[] = [];
  private open = false;

  constructor(opts: { url: string; earlySocket?: EarlySocket | null; peerId: PeerId; onStatusChange: () => void }) {
    this.client = new SignalingClient({
      url: opts.url,
      earlySocket: opts.earlySocket,
      peerId: opts.peerId,
      WebSocketImpl: WebSocket,
      random: Math.random,
    });
    this.client.onWelcome((iceServers) => (this.iceServers = iceServers));
    this.client.onStatus((status) => {
      this.open = status === 'open';
      if (!this.open) for (const room of this.rooms.values()) room.roomLost();
      opts.onStatusChange();
    });
    this.client.onPeers((room, peers) => this.rooms.get(room)?.roomJoined(peers));
    this.client.onPeerJoined((room, peer) => this.rooms.get(room)?.peerJoined(peer));
    this.client.onPeerLeft((room, peer) => this.rooms.get(room)?.peerLeft(peer));
    this.client.onSignal((room, from, data) => this.rooms.get(room)?.signalReceived(from, data));
    // After going offline the reconnect backoff may have grown to 30 s: the network is back now.
    globalThis.addEventListener?.('online', this.onOnline);
  }

  get isOpen(): boolean {
    return this.open;
  }

  join(swarmId: SwarmId): void {
    this.rooms.set(swarmId, new RoomEvents());
    this.client.join(swarmId);
  }

  /** Hands the room's events, those held so far first, to the swarm's transfer. */
  attach(swarmId: SwarmId, listener: RoomListener): void {
    this.rooms.get(swarmId)?.attach(listener);
  }

  leave(swarmId: SwarmId): void {
    if (this.rooms.delete(swarmId)) this.client.leave(swarmId);
  }

  link(swarmId: SwarmId): RoomLink {
    return {
      signal: (to, data) => this.client.signal(swarmId, to, data),
      iceServers: () => this.iceServers,
      isOpen: () => this.open,
    };
  }

  close(): void {
    globalThis.removeEventListener?.('online', this.onOnline);
    this.client.close();
  }

  private readonly onOnline = (): void => this.client.retryNow();
}
