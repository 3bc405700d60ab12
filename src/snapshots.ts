import type { FileSummary, LibraryItem, PeerSummary, TransferSnapshot } from './app-model.ts';
import { verifiedBytesPerFile } from './chunks/file-progress.ts';
import type { LibraryEntry } from './chunks/library-record.ts';
import { pieceCount, totalBytes } from './chunks/manifest.ts';
import type { PieceGeometry } from './chunks/piece-layout.ts';
import type { PieceIndex } from './chunks/piece-store.ts';
import type { ShareAccess, ShareContent } from './chunks/share-access.ts';
import { storedPieceMap } from './swarm/piece-map.ts';
import type { PeerStats } from './swarm/swarm-stats.ts';

/** The read-only views the UI renders, built from what the runtime holds. */

/** A swarm nobody runs right now (seeding off, or offline), as stored: what is kept, no peers. */
export function storedSnapshot(opts: {
  access: ShareAccess;
  link: string;
  content: ShareContent;
  have: (index: PieceIndex) => boolean;
  signalingDown: boolean;
}): TransferSnapshot {
  const summary = contentSummary(opts.content);
  const pieceMap = storedPieceMap(summary.pieceCount, opts.have);
  const complete = pieceMap.had === summary.pieceCount;
  return {
    ...summary,
    swarmId: opts.access.swarmId,
    link: opts.link,
    role: complete ? 'seed' : 'leech',
    visibility: opts.access.visibility,
    phase: complete ? 'complete' : 'connecting',
    piecesVerified: pieceMap.had,
    bytesDownloaded: 0,
    bytesUploaded: 0,
    downloadBytesPerSecond: 0,
    uploadBytesPerSecond: 0,
    peerCount: 0,
    peers: [],
    pieceMap,
    fileBytesVerified: verifiedBytesPerFile(readableGeometry(opts.content), opts.have),
    etaSeconds: null,
    signalingDown: opts.signalingDown,
    error: null,
    piecesResumed: pieceMap.had,
    storagePaused: false,
    inOtherTab: false,
  };
}

/** What people see: the listing when readable; a relay sees only the ciphertext's size. */
export function contentSummary(content: ShareContent | null): Pick<TransferSnapshot, 'name' | 'files' | 'totalBytes' | 'pieceCount'> {
  if (!content) return { name: null, files: [], totalBytes: 0, pieceCount: 0 };
  const listing = content.listing;
  const files: FileSummary[] = listing ? listing.files.map((f) => ({ path: f.path, size: f.size, mime: f.mime })) : [];
  return {
    name: listing?.name ?? null,
    files,
    totalBytes: listing ? files.reduce((sum, f) => sum + f.size, 0) : totalBytes(content.manifest),
    pieceCount: pieceCount(content.manifest),
  };
}

/**
 * The layout file progress is measured in: the plaintext files when readable;
 * a relay has only the one ciphertext file. Piece i is the same piece in both.
 */
export function readableGeometry(content: ShareContent): PieceGeometry {
  return content.listing?.geometry ?? content.manifest;
}

export function peerSummary(peer: PeerStats): PeerSummary {
  return {
    peerId: peer.peerId,
    bytesDownloaded: peer.bytesDownloaded,
    bytesUploaded: peer.bytesUploaded,
    downloadBytesPerSecond: peer.downloadBytesPerSecond,
    uploadBytesPerSecond: peer.uploadBytesPerSecond,
    connection: peer.connection,
  };
}

/** One library item as the library lists it; `live` is its running transfer's snapshot, if any. */
export function libraryItem(entry: LibraryEntry, now: { link: string; live: TransferSnapshot | undefined; active: boolean }): LibraryItem {
  const { record, content } = entry;
  const summary = contentSummary(content);
  return {
    swarmId: record.swarmId,
    link: now.link,
    visibility: entry.access.visibility,
    name: summary.name ?? '',
    totalBytes: summary.totalBytes,
    pieceCount: summary.pieceCount,
    piecesVerified: Math.max(now.live?.piecesVerified ?? 0, entry.have.count()),
    origin: record.origin,
    seeding: record.seeding,
    active: now.active,
    lastActivityAtMs: record.lastActivityAtMs,
  };
}
