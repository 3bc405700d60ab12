import type { PieceGeometry } from './piece-layout.ts';
import type { PieceIndex } from './piece-store.ts';

/**
 * Verified bytes of each file, in manifest order: the parts of each file
 * that lie in pieces we have. One pass over files and their pieces, so a
 * share of thousands of pieces costs microseconds.
 */
export function verifiedBytesPerFile(g: PieceGeometry, hasPiece: (index: PieceIndex) => boolean): number[] {
  const verified: number[] = [];
  let fileStart = 0;
  for (const file of g.files) {
    const fileEnd = fileStart + file.size;
    let bytes = 0;
    if (file.size > 0) {
      const last = Math.floor((fileEnd - 1) / g.pieceLength);
      for (let p = Math.floor(fileStart / g.pieceLength); p <= last; p++) {
        if (!hasPiece(p)) continue;
        const pieceStart = p * g.pieceLength;
        bytes += Math.min(fileEnd, pieceStart + g.pieceLength) - Math.max(fileStart, pieceStart);
      }
    }
    verified.push(bytes);
    fileStart = fileEnd;
  }
  return verified;
}
