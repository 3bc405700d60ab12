import type { Channel } from './channel.ts';

/** An ICE server entry as handed out by the signaling server. */
export interface IceServer {
  urls: string | string[];
  username?: string;
  credential?: string;
}

/** Opaque negotiation data (SDP, ICE) relayed between two peers by signaling. */
export type SignalData = Record<string, unknown>;

export interface ConnectOptions {
  initiator: boolean;
  iceServers: IceServer[];
  sendSignal: (data: SignalData) => void;
}

/** A connection being negotiated. */
export interface PendingConnection {
  /** Feeds negotiation data from the remote peer. */
  signal(data: SignalData): void;
  /** Resolves with an open channel; rejects if negotiation fails or the connection is destroyed first. */
  readonly channel: Promise<Channel>;
  destroy(): void;
}

/** How peers get connected: WebRTC in browsers, anything else in tests and simulations. */
export interface Transport {
  connect(opts: ConnectOptions): PendingConnection;
}
