import type { PeerId } from './swarm/picker.ts';
import type { SignalData } from './swarm/transport.ts';

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
 * A room joined before its transfer exists. Opening a link joins the room at
 * once, while the library and the swarm's stored pieces are still being read
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
