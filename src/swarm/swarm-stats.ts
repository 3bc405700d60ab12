import type { ConnectionInfo } from './channel.ts';
import type { PeerSession } from './peer-session.ts';
import type { PeerId } from './picker.ts';

export interface PeerStats {
  peerId: PeerId;
  bytesDownloaded: number;
  bytesUploaded: number;
  downloadBytesPerSecond: number;
  uploadBytesPerSecond: number;
  requestsInFlight: number;
  piecesAvailable: number;
  /** Pieces that failed verification with blocks from this peer. */
  piecesFailed: number;
  amChoking: boolean;
  amInterested: boolean;
  peerChoking: boolean;
  peerInterested: boolean;
  /** How the channel reaches the peer, where the transport can tell (WebRTC can; memory links cannot). */
  connection: ConnectionInfo | null;
}

export interface SwarmStats {
  peers: PeerStats[];
  bytesDownloaded: number;
  bytesUploaded: number;
  downloadBytesPerSecond: number;
  uploadBytesPerSecond: number;
  piecesVerified: number;
  piecesFailed: number;
  pieceCount: number;
  duplicateBytes: number;
  requestsTimedOut: number;
  bannedPeers: PeerId[];
}

/** One session's figures, for the UI and the benchmarks. */
export function peerStats(session: PeerSession, pieceCount: number): PeerStats {
  const pieces = session.remotePieces;
  return {
    peerId: session.remotePeerId!,
    bytesDownloaded: session.downloadRate.total,
    bytesUploaded: session.uploadRate.total,
    downloadBytesPerSecond: session.downloadRate.bytesPerSecond(),
    uploadBytesPerSecond: session.uploadRate.bytesPerSecond(),
    requestsInFlight: session.inflight.size,
    piecesAvailable: pieces === 'all' ? pieceCount : (pieces?.count() ?? 0),
    piecesFailed: session.failedPieces,
    amChoking: session.amChoking,
    amInterested: session.amInterested,
    peerChoking: session.peerChoking,
    peerInterested: session.peerInterested,
    connection: session.channel.connectionInfo?.() ?? null,
  };
}
