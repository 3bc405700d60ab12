import Peer, { type SimplePeerSignal } from '@thaunknown/simple-peer/lite.js';
import { ChannelClosedError, type Channel, type ConnectionInfo } from './channel.ts';
import { connectionFromStats } from './connection-stats.ts';
import { Inbox } from './inbox.ts';
import type { ConnectOptions, PendingConnection, SignalData, Transport } from './transport.ts';
import { MAX_FRAME_BYTES } from './wire.ts';

export interface WebRtcTransportOptions {
  /**
   * Keeps only ICE candidates this accepts, in both directions. Tests use it
   * to stay on loopback; deployments normally leave it unset.
   */
  acceptCandidate?: (candidateLine: string) => boolean;
  /** Wait for `bufferedamountlow` below this many bytes. */
  lowWaterMark?: number;
  /**
   * Implementation-specific RTCPeerConnection settings merged under the ICE
   * servers, e.g. node-datachannel's `bindAddress` for Node peers.
   */
  peerConnectionConfig?: Record<string, unknown>;
  /**
   * One DTLS certificate for every connection, made ahead of the first one
   * (`RTCPeerConnection.generateCertificate`). Until it is ready, or once it
   * expires, each connection makes its own as it offers or answers.
   */
  certificate?: Promise<RTCCertificate>;
}

const DEFAULT_LOW_WATER_MARK = 1024 * 1024;
/** The route rarely changes (an ICE restart at most): measuring it now and then is plenty. */
const CONNECTION_POLL_MS = 5_000;

/** WebRTC data channels through simple-peer, always with an explicit ICE server list. */
export class WebRtcTransport implements Transport {
  private certificate: RTCCertificate | null = null;

  constructor(private readonly opts: WebRtcTransportOptions = {}) {
    opts.certificate?.then(
      (certificate) => (this.certificate = certificate),
      (error: unknown) => console.warn('shoal: no shared DTLS certificate; each connection makes its own', error),
    );
  }

  connect(connectOpts: ConnectOptions): PendingConnection {
    const certificate = this.certificate && this.certificate.expires > Date.now() ? this.certificate : null;
    const peer = new Peer({
      initiator: connectOpts.initiator,
      trickle: true,
      config: {
        ...this.opts.peerConnectionConfig,
        // Never fall back to simple-peer's default public STUN servers.
        iceServers: connectOpts.iceServers,
        ...(certificate ? { certificates: [certificate] } : {}),
      },
      channelConfig: { ordered: true },
    });
    const accept = this.opts.acceptCandidate;
    peer.on('signal', (data) => {
      if (data.candidate && accept && !accept(data.candidate.candidate)) return;
      connectOpts.sendSignal(data as SignalData);
    });
    const channel = new Promise<Channel>((resolve, reject) => {
      peer.on('connect', () => {
        // A block is one message: a peer that cannot take the largest frame would fail at its first block.
        const limit = peer._pc?.sctp?.maxMessageSize;
        if (limit != null && limit < MAX_FRAME_BYTES) {
          peer.destroy(new Error(`the peer takes data-channel messages of at most ${limit} bytes; Shoal sends up to ${MAX_FRAME_BYTES}`));
          return;
        }
        resolve(new SimplePeerChannel(peer, this.opts.lowWaterMark ?? DEFAULT_LOW_WATER_MARK));
      });
      peer.on('error', (error) => reject(error));
      peer.on('close', () => reject(new ChannelClosedError()));
    });
    // Callers that never await the channel (destroyed early) must not see an unhandled rejection.
    channel.catch(() => undefined);
    return {
      channel,
      signal: (data) => {
        const signal = data as SimplePeerSignal;
        if (signal.candidate && accept && !accept(signal.candidate.candidate)) return;
        if (peer.destroyed) return;
        try {
          peer.signal(signal);
        } catch (error) {
          // Some implementations (node-datachannel) throw instead of rejecting: fail this
          // connection, never the signaling listener that delivered the data.
          peer.destroy(error instanceof Error ? error : new Error(String(error)));
        }
      },
      destroy: () => peer.destroy(),
    };
  }
}

class SimplePeerChannel implements Channel {
  onDrain: (() => void) | null = null;
  private readonly inbox = new Inbox();
  onClose: ((error?: Error) => void) | null = null;
  closed = false;
  private connection: ConnectionInfo | null = null;
  private connectionPoll: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly peer: Peer,
    readonly lowWaterMark: number,
  ) {
    const dataChannel = peer._channel!;
    // We send with channel.send() and our own high-water mark, not simple-peer's stream
    // write(), so raising the threshold here does not interfere with its backpressure.
    dataChannel.bufferedAmountLowThreshold = lowWaterMark;
    dataChannel.addEventListener('bufferedamountlow', () => this.onDrain?.());
    // Frames straight from the data channel: simple-peer pushes each one through a readable
    // stream (streamx) first, which cost the downloader more main-thread time per block than
    // the rest of its receive path (CPU profile, 2026-11-29). Frames that arrived before this
    // handler replaced simple-peer's still come out of its stream, as 'data', in a microtask
    // (so before the next message event).
    dataChannel.onmessage = (event: MessageEvent<unknown>) => {
      if (event.data instanceof ArrayBuffer) this.inbox.deliver(new Uint8Array(event.data));
      else peer.destroy(new Error('text frame on a binary channel'));
    };
    peer.on('data', (data) => this.inbox.deliver(data));
    let closeError: Error | undefined;
    peer.on('error', (error) => (closeError = error));
    peer.on('close', () => this.finish(closeError));
    // simple-peer emits no 'close' when the remote end closes: it tears itself down without
    // its stream's destroy. Unheard, the session lasted until a send failed or the peer had
    // been silent for the dead-peer timeout, and the peer could not connect again meanwhile.
    dataChannel.addEventListener('close', () => this.finish(closeError));
    void this.measureConnection();
  }

  connectionInfo(): ConnectionInfo | null {
    return this.connection;
  }

  get onMessage(): ((frame: Uint8Array) => void) | null {
    return this.inbox.onMessage;
  }

  set onMessage(listener: ((frame: Uint8Array) => void) | null) {
    this.inbox.onMessage = listener;
  }

  get bufferedAmount(): number {
    return this.peer.bufferSize;
  }

  /** The underlying connection, for stats such as the selected candidate pair. */
  get peerConnection(): RTCPeerConnection | null {
    return this.peer._pc;
  }

  send(frame: Uint8Array): void {
    if (this.closed || this.peer.destroyed) throw new ChannelClosedError();
    this.peer.send(frame);
  }

  close(): void {
    if (this.closed) return;
    this.peer.destroy();
    this.finish();
  }

  /** Reads the selected candidate pair, then again every few seconds until the channel closes. */
  private async measureConnection(): Promise<void> {
    this.connectionPoll = null;
    const pc = this.peerConnection;
    if (this.closed || !pc) return;
    try {
      this.connection = connectionFromStats(await pc.getStats()) ?? this.connection;
    } catch (error) {
      // Stats are for display only: keep the last reading and try again later.
      console.warn('shoal: reading connection stats failed', error);
    }
    if (!this.closed) this.connectionPoll = setTimeout(() => void this.measureConnection(), CONNECTION_POLL_MS);
  }

  private finish(error?: Error): void {
    if (this.closed) return;
    this.closed = true;
    if (this.connectionPoll !== null) clearTimeout(this.connectionPoll);
    this.inbox.clear();
    this.onClose?.(error);
  }
}
