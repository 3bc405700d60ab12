import { CodedError } from '../coded-error.ts';
/**
 * The one seam between the swarm core and any byte transport (WebRTC data
 * channel, in-memory pair, simulated link). Messages are whole frames: one
 * `send` arrives as one `onMessage`, in order, or the channel closes.
 */
export interface Channel {
  /**
   * Queue one frame. Its bytes are copied before `send` returns (as
   * `RTCDataChannel.send` does), so the caller may reuse the buffer.
   * Throws ChannelClosedError once the channel is closed.
   */
  send(frame: Uint8Array): void;
  /** Bytes queued locally and not yet handed to the network. */
  readonly bufferedAmount: number;
  /** Fired when `bufferedAmount` falls to or below `lowWaterMark` after having been above it. */
  onDrain: (() => void) | null;
  onMessage: ((frame: Uint8Array) => void) | null;
  /** Fired exactly once, whether closed locally, remotely or by an error. */
  onClose: ((error?: Error) => void) | null;
  readonly lowWaterMark: number;
  readonly closed: boolean;
  close(): void;
  /**
   * How the connection runs, as last measured, or null before the first
   * measurement. Only transports with such a notion (WebRTC) implement it.
   */
  connectionInfo?(): ConnectionInfo | null;
}

/** ICE candidate types (RFC 8445 §5.1.1 plus relayed). */
export type CandidateType = 'host' | 'srflx' | 'prflx' | 'relay';

/** The selected candidate pair: through a TURN relay on either side, or direct. */
export interface ConnectionInfo {
  route: 'direct' | 'relay';
  localCandidate: CandidateType;
  remoteCandidate: CandidateType;
}

export class ChannelClosedError extends CodedError<'channel-closed'> {
  override name = 'ChannelClosedError';
  constructor() {
    super('channel-closed', 'channel is closed');
  }
}
