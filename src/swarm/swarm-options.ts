import type { Manifest, SwarmId } from '../chunks/manifest.ts';
import type { MetadataCheck } from '../chunks/metadata-check.ts';
import type { PieceStore, StorageError } from '../chunks/piece-store.ts';
import type { PeerId, PieceIndex } from './picker.ts';

/** What a `Swarm` is given. */
export interface SwarmOptions {
  swarmId: SwarmId;
  localPeerId: PeerId;
  /** Known up front by whoever created the share or holds it already; else fetched from peers. */
  manifest: Manifest | null;
  /** What peers are sent as the metadata (a private share's envelope); default: the encoded manifest. */
  metadata?: Uint8Array;
  /** Whether a peer's metadata describes this swarm; default: it hashes to the swarm id. */
  acceptMetadata?: MetadataCheck;
  store: PieceStore;
  /** Pieces already verified and in the store (a seed, or a resumed download). */
  storedPieces?: Iterable<PieceIndex>;
  hash: (bytes: Uint8Array) => Promise<Uint8Array>;
  now: () => number;
  random: () => number;
  order?: 'rarest' | 'sequential';
  requestTimeoutMs?: number;
  keepaliveMs?: number;
  deadPeerMs?: number;
  /** Failed pieces a peer may send before it is banned. */
  maxPieceFailures?: number;
  /** Peers we upload to at once (one of them rotating); default 4. */
  uploadSlots?: number;
  rechokeIntervalMs?: number;
  /** Optional limits; unlimited when absent. */
  uploadBytesPerSecond?: number;
  downloadBytesPerSecond?: number;
  /** Lets the page run between runs of uploads (a browser's scheduler); default: uploads never yield. */
  yieldToPage?: () => Promise<void>;
  /** Test-only: serve every block with one byte flipped (a poisoning peer). */
  corruptUploads?: boolean;
}

/** What a `Swarm` tells its owner. */
export interface SwarmEvents {
  manifestReceived(manifest: Manifest): void;
  manifestRejected(peer: PeerId, reason: string): void;
  pieceVerified(index: PieceIndex): void;
  pieceFailed(index: PieceIndex, senders: PeerId[]): void;
  peerJoined(peer: PeerId): void;
  peerLeft(peer: PeerId, reason: string): void;
  peerBanned(peer: PeerId): void;
  completed(): void;
  storageFailed(error: StorageError): void;
  /** A piece we hold could not be read to send it (a seed's file moved or changed); the peer was told no. */
  readFailed(error: StorageError): void;
}
