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
  /** Saves one received file; resolves when the browser has it. */
  saveFile(swarmId: SwarmId, fileIndex: number): Promise<void>;
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
