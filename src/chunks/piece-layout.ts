import type { PieceIndex } from './piece-store.ts';

/**
 * Where pieces and files meet. The files are concatenated in manifest order
 * and cut into pieces of `pieceLength` (BitTorrent style), so one piece may
 * cover the end of one file, whole small files and the start of the next;
 * empty files occupy no bytes and appear in no span.
 *
 * Functions take the geometry only, so a Manifest works and so does the
 * hashing worker's file list before any manifest exists.
 */

export type FileIndex = number;

export interface PieceGeometry {
  readonly pieceLength: number;
  readonly files: readonly { readonly size: number }[];
}

/** A run of one piece's bytes that lies in one file. */
export interface PieceSpan {
  fileIndex: FileIndex;
  fileOffset: number;
  pieceOffset: number;
  length: number;
}

/** A run of one file's bytes that lies in one piece, in file order. */
export interface FileSpan {
  pieceIndex: PieceIndex;
  pieceOffset: number;
  length: number;
}

// Geometries (manifests) are immutable once made; the seeder looks spans up per request.
const startsCache = new WeakMap<PieceGeometry, Float64Array>();

/** starts[i] is file i's offset in the concatenation; starts[files.length] is the total. */
function fileStarts(g: PieceGeometry): Float64Array {
  let starts = startsCache.get(g);
  if (!starts) {
    starts = new Float64Array(g.files.length + 1);
    for (let i = 0; i < g.files.length; i++) starts[i + 1] = starts[i] + g.files[i].size;
    startsCache.set(g, starts);
  }
  return starts;
}

export function layoutPieceCount(g: PieceGeometry): number {
  const starts = fileStarts(g);
  return Math.ceil(starts[starts.length - 1] / g.pieceLength);
}

/** The spans of one piece in piece order; their lengths sum to the piece's byte length. */
export function pieceSpans(g: PieceGeometry, index: PieceIndex): PieceSpan[] {
  const count = layoutPieceCount(g);
  if (!Number.isInteger(index) || index < 0 || index >= count) {
    throw new RangeError(`piece index ${index} out of range 0..${count - 1}`);
  }
  const starts = fileStarts(g);
  const pieceStart = index * g.pieceLength;
  const pieceEnd = Math.min(pieceStart + g.pieceLength, starts[starts.length - 1]);
  const spans: PieceSpan[] = [];
  for (let f = firstFileEndingAfter(starts, pieceStart); f < g.files.length && starts[f] < pieceEnd; f++) {
    const from = Math.max(starts[f], pieceStart);
    const to = Math.min(starts[f + 1], pieceEnd);
    if (to > from) {
      spans.push({ fileIndex: f, fileOffset: from - starts[f], pieceOffset: from - pieceStart, length: to - from });
    }
  }
  return spans;
}

/** The pieces that make up one file, in order; empty for an empty file. */
export function fileSpans(g: PieceGeometry, fileIndex: FileIndex): FileSpan[] {
  const range = filePieceRange(g, fileIndex);
  if (!range) return [];
  const starts = fileStarts(g);
  const fileStart = starts[fileIndex];
  const fileEnd = starts[fileIndex + 1];
  const spans: FileSpan[] = [];
  for (let p = range.first; p <= range.last; p++) {
    const pieceStart = p * g.pieceLength;
    const from = Math.max(fileStart, pieceStart);
    const to = Math.min(fileEnd, pieceStart + g.pieceLength);
    spans.push({ pieceIndex: p, pieceOffset: from - pieceStart, length: to - from });
  }
  return spans;
}

/** First and last piece holding bytes of the file, or null for an empty file (it needs no piece). */
export function filePieceRange(g: PieceGeometry, fileIndex: FileIndex): { first: PieceIndex; last: PieceIndex } | null {
  if (!Number.isInteger(fileIndex) || fileIndex < 0 || fileIndex >= g.files.length) {
    throw new RangeError(`file index ${fileIndex} out of range 0..${g.files.length - 1}`);
  }
  if (g.files[fileIndex].size === 0) return null;
  const starts = fileStarts(g);
  return {
    first: Math.floor(starts[fileIndex] / g.pieceLength),
    last: Math.floor((starts[fileIndex + 1] - 1) / g.pieceLength),
  };
}

/** The piece holding byte `offset` of a file. */
export function pieceAtFileOffset(g: PieceGeometry, fileIndex: FileIndex, offset: number): PieceIndex {
  const size = g.files[fileIndex]?.size ?? 0;
  if (!Number.isInteger(offset) || offset < 0 || offset >= size) {
    throw new RangeError(`offset ${offset} is not within file ${fileIndex} (${size} bytes)`);
  }
  return Math.floor((fileStarts(g)[fileIndex] + offset) / g.pieceLength);
}

/** Binary search: the lowest file index whose end lies after `offset`. */
function firstFileEndingAfter(starts: Float64Array, offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (starts[mid + 1] > offset) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
