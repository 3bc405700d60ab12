import { describe, expect, it } from 'vitest';
import {
  MAX_AVAILABILITY_CODE,
  PIECE_DOWNLOADING,
  PIECE_HAD,
  PieceMapTracker,
  storedPieceMap,
  type PieceStateSource,
} from '../../src/swarm/piece-map.ts';

/** A source from a fixture string: '*' had, '>' downloading, a digit the availability of a missing piece. */
function source(fixture: string, availability = (i: number) => Number(fixture[i])): PieceStateSource {
  return {
    hasPiece: (i) => fixture[i] === '*',
    isDownloading: (i) => fixture[i] === '>',
    availabilityOf: availability,
  };
}

describe('PieceMapTracker', () => {
  it('codes had, downloading and missing pieces with their availability', () => {
    const map = new PieceMapTracker(6).refresh(source('*>0213'));
    expect([...map.states]).toEqual([PIECE_HAD, PIECE_DOWNLOADING, 0, 2, 1, 3]);
    expect(map.had).toBe(1);
    expect(map.downloading).toBe(1);
    expect(map.pieceCount).toBe(6);
  });

  it('caps availability below the downloading code', () => {
    const map = new PieceMapTracker(1).refresh(source('0', () => 10_000));
    expect(map.states[0]).toBe(MAX_AVAILABILITY_CODE);
  });

  it('moves the version only when some piece changed, and always on the first refresh', () => {
    const tracker = new PieceMapTracker(4);
    const first = tracker.refresh(source('0000'));
    expect(first.version).toBe(1);
    expect(tracker.refresh(source('0000')).version).toBe(1);
    expect(tracker.refresh(source('0>00')).version).toBe(2);
    expect(tracker.refresh(source('0*00')).version).toBe(3);
    expect(tracker.refresh(source('0*00')).version).toBe(3);
  });

  it('rewrites one buffer in place instead of allocating a new one per refresh', () => {
    const tracker = new PieceMapTracker(16_384);
    const a = tracker.refresh(source('', () => 1));
    const b = tracker.refresh(source('', () => 2));
    expect(b.states).toBe(a.states);
    expect(b.states[16_383]).toBe(2);
  });
});

describe('storedPieceMap', () => {
  it('shows stored pieces as had and the rest as unavailable', () => {
    const map = storedPieceMap(5, (i) => i % 2 === 0);
    expect([...map.states]).toEqual([PIECE_HAD, 0, PIECE_HAD, 0, PIECE_HAD]);
    expect(map.had).toBe(3);
    expect(map.downloading).toBe(0);
  });
});
