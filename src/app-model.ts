/**
 * What the UI renders and what it may ask for. The UI imports only these
 * types and the `ShoalApp` instance it is handed; it never reaches into
 * sessions, pickers or stores.
 */
import { StorageError } from './chunks/piece-store.ts';
import type { Visibility } from './chunks/share-access.ts';
import type { CandidateType, ConnectionInfo } from './swarm/channel.ts';
import type { PieceMap } from './swarm/piece-map.ts';
import { CodedError } from './coded-error.ts';

export type { CandidateType, ConnectionInfo, PieceMap };

export type SwarmId = string;

/** public: readable by anyone with the link; private / password: end-to-end encrypted; relay: ciphertext only. */
export type { Visibility };

export type ShoalErrorCode =
  | 'bad-link'
  | 'password-required'
  | 'wrong-password'
  | 'private-manifest-rejected'
  | 'signaling-unreachable'
  | 'manifest-mismatch'
  | 'storage-full'
  | 'library-full'
  | 'hashing-failed'
  | 'source-unreadable'
  | 'save-failed'
  | 'stream-unavailable'
  | 'unknown';

export interface FileSummary {
  path: string;
  size: number;
  mime: string;
}

/** One connected peer as the swarm view lists it. */
export interface PeerSummary {
  peerId: string;
  bytesDownloaded: number;
  bytesUploaded: number;
  downloadBytesPerSecond: number;
  uploadBytesPerSecond: number;
  /** Direct or through a relay; null until measured (or where the transport cannot tell). */
  connection: ConnectionInfo | null;
}

export interface TransferSnapshot {
  swarmId: SwarmId;
  /** Full share link, `<origin>/#<swarm id>`. */
  link: string;
  role: 'seed' | 'leech';
  visibility: Visibility;
  /**
   * connecting: joining signaling; waiting-for-peers: in the room, nobody there yet;
   * fetching-manifest: connected, asking peers for the manifest; downloading; complete.
   */
  phase: 'connecting' | 'waiting-for-peers' | 'fetching-manifest' | 'downloading' | 'complete';
  name: string | null;
  files: FileSummary[];
  totalBytes: number;
  pieceCount: number;
  piecesVerified: number;
  bytesDownloaded: number;
  bytesUploaded: number;
  downloadBytesPerSecond: number;
  uploadBytesPerSecond: number;
  peerCount: number;
  /** Connected peers, in the order they joined. */
  peers: PeerSummary[];
  /** Every piece's state for the piece map; null until the manifest is known. */
  pieceMap: PieceMap | null;
  /** Verified bytes of each file, in the order of `files`. */
  fileBytesVerified: number[];
  /** Seconds left at the smoothed download rate; null when unknown or not downloading. */
  etaSeconds: number | null;
  /** True while the signaling server cannot be reached (we keep retrying). */
  signalingDown: boolean;
  error: { code: ShoalErrorCode; detail: string } | null;
  /** Verified pieces this browser already had when the transfer started (resume). */
  piecesResumed: number;
  /** Downloading is paused because storage is full; verified pieces are kept. */
  storagePaused: boolean;
  /** Another tab of this app runs this swarm; this tab only shows its progress. */
  inOtherTab: boolean;
}

/** One swarm this browser holds, as the library lists it. */
export interface LibraryItem {
  swarmId: SwarmId;
  link: string;
  visibility: Visibility;
  name: string;
  totalBytes: number;
  pieceCount: number;
  piecesVerified: number;
  /** Shared from this browser, or downloaded from a link. */
  origin: 'shared' | 'downloaded';
  /** The user's per-item choice to serve it while the app is open. */
  seeding: boolean;
  /** Joined to its swarm right now (in this tab or another). */
  active: boolean;
  lastActivityAtMs: number;
}

export interface StorageInfo {
  usageBytes: number;
  quotaBytes: number;
  /** The browser promised not to evict this origin's data under pressure. */
  persisted: boolean;
}

export interface HashingProgress {
  bytesHashed: number;
  totalBytes: number;
}

export interface ShareOptions {
  /** Private (the default) encrypts in this browser with a key that lives only in the link. */
  visibility: 'public' | 'private';
  /** Private only, optional: the link opens only with this password. */
  password?: string;
  /** Keep it in this browser's library (for a private share, that stores its key here). */
  keepInLibrary: boolean;
  onProgress?: (p: HashingProgress) => void;
  signal?: AbortSignal;
}

export interface ShareInputFile {
  file: File;
  /** '/'-separated path relative to the drop, e.g. 'holiday/img_01.jpg'. */
  path: string;
}

export type SaveOutcome = 'saved' | 'downloaded' | 'cancelled';

/** The application facade the UI is handed (by property) and talks to. */
export interface ShoalApp {
  /** Hashes (and for a private share encrypts) the files in a worker, starts seeding them and returns the swarm id. */
  createShare(files: ShareInputFile[], opts: ShareOptions): Promise<SwarmId>;
  /**
   * Starts (or returns the already running) download for a link fragment
   * (the text after '#'). Rejects with ShoalError: 'bad-link' for anything
   * that is not a share link, 'password-required' when the link needs a
   * password, 'wrong-password' when the one given does not open it.
   */
  openLink(fragment: string, opts?: { password?: string }): Promise<SwarmId>;
  snapshot(swarmId: SwarmId): TransferSnapshot | undefined;
  /** Called (coalesced by the caller as needed) whenever any snapshot changes. */
  subscribe(onChange: () => void): () => void;
  /**
   * Saves one received file, streamed into a file the user picks or to the
   * download manager: 'saved' once written, 'downloaded' once handed over,
   * 'cancelled' if the user closed the picker.
   */
  saveFile(swarmId: SwarmId, fileIndex: number): Promise<SaveOutcome>;
  /** Saves every file as one zip, built on the fly. */
  saveZip(swarmId: SwarmId): Promise<SaveOutcome>;
  /** Saves every file into a folder the user picks, recreating the share's paths. */
  saveFolder(swarmId: SwarmId): Promise<SaveOutcome>;
  /** Whether this browser can save into a folder (File System Access). */
  readonly canSaveFolder: boolean;
  /**
   * A URL players and <img> can load while the file is still downloading:
   * what they read next is fetched first. Throws ShoalError('stream-unavailable').
   */
  streamUrl(swarmId: SwarmId, fileIndex: number): Promise<string>;
  /** Where a player's playhead is, as a fraction of the file; null when it stopped. Prefetches ahead of it. */
  playheadMoved(swarmId: SwarmId, fileIndex: number, fraction: number | null): void;

  /** Every swarm this browser holds, most recently active first. Empty until loaded. */
  library(): LibraryItem[];
  /** Turns seeding of one library item on or off (remembered). */
  setSeeding(swarmId: SwarmId, on: boolean): Promise<void>;
  /** The global switch: off means no library item is seeded, whatever its own setting. */
  readonly seedingEnabled: boolean;
  setSeedingEnabled(on: boolean): void;
  /** Stops the swarm and removes everything stored for it. */
  deleteItem(swarmId: SwarmId): Promise<void>;
  /** Try writing again now after storage was full (it is also retried periodically). */
  retryStorage(swarmId: SwarmId): void;
  storageInfo(): Promise<StorageInfo | null>;
  /** Asks the browser to keep this origin's data; resolves to whether it agreed. */
  requestPersistentStorage(): Promise<boolean>;
}

export class ShoalError extends CodedError<ShoalErrorCode> {
  override name = 'ShoalError';
}

/** Our own errors pass through; storage errors keep their meaning; anything else gets `fallback`. */
export function toShoalError(error: unknown, fallback: ShoalErrorCode): ShoalError {
  if (error instanceof ShoalError) return error;
  if (error instanceof StorageError && error.code === 'quota-exceeded') {
    return new ShoalError('storage-full', error.message);
  }
  return new ShoalError(fallback, error instanceof Error ? error.message : String(error));
}
