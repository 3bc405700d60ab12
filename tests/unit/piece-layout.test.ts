import { describe, expect, it } from 'vitest';
import { createManifest, pieceBytes, pieceCount, type ManifestFile } from '../../src/chunks/manifest.ts';
import { filePieceRange, fileSpans, layoutPieceCount, pieceSpans } from '../../src/chunks/piece-layout.ts';

const P = 16 * 1024;

function manifestOf(sizes: number[]) {
  const files: ManifestFile[] = sizes.map((size, i) => ({ path: `f${String(i).padStart(2, '0')}`, size, mime: 'a/b' }));
  const total = sizes.reduce((a, b) => a + b, 0);
  return createManifest({ name: 'x', files, pieceLength: P, pieceHashes: new Uint8Array(Math.ceil(total / P) * 32) });
}

describe('piece layout', () => {
  it('maps a piece inside one file', () => {
    const m = manifestOf([3 * P]);
    expect(pieceSpans(m, 1)).toEqual([{ fileIndex: 0, fileOffset: P, pieceOffset: 0, length: P }]);
  });

  it('splits a piece across a file boundary and skips empty files', () => {
    // f0: 0..P+100, f1 empty at P+100, f2: P+100..P+300, f3: P+300..3P+50
    const m = manifestOf([P + 100, 0, 200, 2 * P - 250]);
    expect(pieceSpans(m, 0)).toEqual([{ fileIndex: 0, fileOffset: 0, pieceOffset: 0, length: P }]);
    expect(pieceSpans(m, 1)).toEqual([
      { fileIndex: 0, fileOffset: P, pieceOffset: 0, length: 100 },
      { fileIndex: 2, fileOffset: 0, pieceOffset: 100, length: 200 },
      { fileIndex: 3, fileOffset: 0, pieceOffset: 300, length: P - 300 },
    ]);
    expect(pieceSpans(m, 3)).toEqual([{ fileIndex: 3, fileOffset: 2 * P - 300, pieceOffset: 0, length: 50 }]);
  });

  it('gives the last piece its short length', () => {
    const m = manifestOf([P, 10]);
    expect(pieceCount(m)).toBe(2);
    expect(pieceSpans(m, 1)).toEqual([{ fileIndex: 1, fileOffset: 0, pieceOffset: 0, length: 10 }]);
  });

  it('handles files that end exactly on piece boundaries and empty files at both ends', () => {
    const m = manifestOf([0, P, 0, P, 0]);
    expect(pieceSpans(m, 0)).toEqual([{ fileIndex: 1, fileOffset: 0, pieceOffset: 0, length: P }]);
    expect(pieceSpans(m, 1)).toEqual([{ fileIndex: 3, fileOffset: 0, pieceOffset: 0, length: P }]);
    expect(fileSpans(m, 0)).toEqual([]);
    expect(fileSpans(m, 4)).toEqual([]);
    expect(filePieceRange(m, 2)).toBeNull();
    expect(filePieceRange(m, 3)).toEqual({ first: 1, last: 1 });
  });

  it('lists the pieces of one file in order, including shared pieces', () => {
    const m = manifestOf([100, 2 * P, 50]);
    expect(fileSpans(m, 0)).toEqual([{ pieceIndex: 0, pieceOffset: 0, length: 100 }]);
    expect(fileSpans(m, 1)).toEqual([
      { pieceIndex: 0, pieceOffset: 100, length: P - 100 },
      { pieceIndex: 1, pieceOffset: 0, length: P },
      { pieceIndex: 2, pieceOffset: 0, length: 100 },
    ]);
    expect(fileSpans(m, 2)).toEqual([{ pieceIndex: 2, pieceOffset: 100, length: 50 }]);
    expect(filePieceRange(m, 1)).toEqual({ first: 0, last: 2 });
    expect(filePieceRange(m, 2)).toEqual({ first: 2, last: 2 });
  });

  it('puts many small files into one piece', () => {
    const m = manifestOf([1, 2, 3, 4]);
    expect(pieceSpans(m, 0).map((s) => [s.fileIndex, s.pieceOffset, s.length])).toEqual([
      [0, 0, 1],
      [1, 1, 2],
      [2, 3, 3],
      [3, 6, 4],
    ]);
  });

  it('agrees both ways: piece spans and file spans cover every byte exactly once', () => {
    const sizes = [0, 5, P - 5, 0, 3 * P + 7, 1, 0, 2 * P, 13];
    const m = manifestOf(sizes);
    expect(layoutPieceCount(m)).toBe(pieceCount(m));
    const fromPieces: string[] = [];
    for (let p = 0; p < pieceCount(m); p++) {
      const spans = pieceSpans(m, p);
      expect(spans.reduce((sum, s) => sum + s.length, 0)).toBe(pieceBytes(m, p));
      let offset = 0;
      for (const s of spans) {
        expect(s.pieceOffset).toBe(offset);
        offset += s.length;
        fromPieces.push(`${p}:${s.pieceOffset}:${s.fileIndex}:${s.fileOffset}:${s.length}`);
      }
    }
    const fromFiles: string[] = [];
    sizes.forEach((size, f) => {
      const spans = fileSpans(m, f);
      expect(spans.reduce((sum, s) => sum + s.length, 0)).toBe(size);
      let fileOffset = 0;
      for (const s of spans) {
        fromFiles.push(`${s.pieceIndex}:${s.pieceOffset}:${f}:${fileOffset}:${s.length}`);
        fileOffset += s.length;
      }
    });
    expect(fromFiles.sort()).toEqual(fromPieces.sort());
  });

  it('throws RangeError for indices out of range', () => {
    const m = manifestOf([P + 1]);
    for (const bad of [-1, 2, 0.5]) expect(() => pieceSpans(m, bad)).toThrow(RangeError);
    for (const bad of [-1, 1, 0.5]) {
      expect(() => fileSpans(m, bad)).toThrow(RangeError);
      expect(() => filePieceRange(m, bad)).toThrow(RangeError);
    }
  });
});
