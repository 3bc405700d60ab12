/**
 * What the UI renders and what it may ask for. The UI imports only these
 * types and the `ShoalApp` instance it is handed; it never reaches into
 * sessions, pickers or stores.
 */
export type SwarmId = string;

export type ShoalErrorCode =
  | 'bad-link'
  | 'signaling-unreachable'
  | 'manifest-mismatch'
  | 'storage-full'
  | 'hashing-failed'
  | 'save-failed'
  | 'stream-unavailable'
  | 'unknown';

export interface FileSummary {
  path: string;
  size: number;
  mime: string;
}

export interface TransferSnapshot {
  swarmId: SwarmId;
  /** Full share link, `<origin>/#<swarm id>`. */
  link: string;
  role: 'seed' | 'leech';
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

export interface ShareInputFile {
  file: File;
  /** '/'-separated path relative to the drop, e.g. 'holiday/img_01.jpg'. */
  path: string;
}

export type SaveOutcome = 'saved' | 'downloaded' | 'cancelled';

/** The application facade the UI is handed (by property) and talks to. */
export interface ShoalApp {
  /** Hashes the files (in a worker), starts seeding them and returns the swarm id. */
  createShare(
    files: ShareInputFile[],
    opts: { onProgress?: (p: HashingProgress) => void; signal?: AbortSignal },
  ): Promise<SwarmId>;
  /**
   * Starts (or returns the already running) download for a link fragment
   * (the text after '#'). Throws ShoalError('bad-link') for anything that is
   * not a swarm id.
   */
  openLink(fragment: string): SwarmId;
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

export class ShoalError extends Error {
  constructor(
    readonly code: ShoalErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ShoalError';
  }
}
