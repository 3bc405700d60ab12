import type { FileSummary, LibraryItem, TransferSnapshot } from './app-model.ts';
import type { LibraryEntry } from './chunks/library-record.ts';
import { pieceCount, totalBytes } from './chunks/manifest.ts';
import type { ShareAccess, ShareContent } from './chunks/share-access.ts';

/** The read-only views the UI renders, built from what the runtime holds. */

/** A swarm nobody runs right now (seeding off, or offline), as stored: what is kept, no peers. */
export function storedSnapshot(opts: {
  access: ShareAccess;
  link: string;
  content: ShareContent;
  piecesStored: number;
  signalingDown: boolean;
}): TransferSnapshot {
  const summary = contentSummary(opts.content);
  const complete = opts.piecesStored === summary.pieceCount;
  return {
    ...summary,
    swarmId: opts.access.swarmId,
    link: opts.link,
    role: complete ? 'seed' : 'leech',
    visibility: opts.access.visibility,
    phase: complete ? 'complete' : 'connecting',
    piecesVerified: opts.piecesStored,
    bytesDownloaded: 0,
    bytesUploaded: 0,
    downloadBytesPerSecond: 0,
    uploadBytesPerSecond: 0,
    peerCount: 0,
    signalingDown: opts.signalingDown,
    error: null,
    piecesResumed: opts.piecesStored,
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
