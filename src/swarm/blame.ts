import { BLOCK_BYTES } from './wire.ts';
import type { PieceDownload } from './piece-download.ts';
import type { PeerId, PieceIndex } from './picker.ts';

/** A failed piece assembled from several peers, kept until a good copy shows who lied. */
interface Suspect {
  buffer: Uint8Array;
  blockSenders: Array<PeerId | null>;
}

/**
 * Decides whom a failed piece convicts. A piece from one sender counts
 * against that sender; after `maxFailures` it is banned. A piece from
 * several senders convicts no one yet (an honest peer must not be banned for
 * sharing pieces with a liar): it is kept, and once the piece verifies from
 * other copies, every sender whose blocks differ from the good bytes is
 * proven to have lied and is banned at once (libtorrent's "smart ban").
 */
export class Blame {
  private readonly failures = new Map<PeerId, number>();
  private readonly suspects = new Map<PieceIndex, Suspect[]>();

  constructor(private readonly maxFailures: number) {}

  /** Returns the peers to ban now. */
  pieceFailed(download: PieceDownload): PeerId[] {
    if (download.senders.size > 1) {
      const list = this.suspects.get(download.index) ?? [];
      list.push({ buffer: download.buffer, blockSenders: [...download.blockSenders] });
      this.suspects.set(download.index, list);
      return [];
    }
    const convicted: PeerId[] = [];
    for (const peer of download.senders) {
      const failures = (this.failures.get(peer) ?? 0) + 1;
      this.failures.set(peer, failures);
      if (failures >= this.maxFailures) convicted.push(peer);
    }
    return convicted;
  }

  /** The verified bytes of a piece: returns the senders of any earlier copy's blocks that differ. */
  pieceVerified(index: PieceIndex, good: Uint8Array): PeerId[] {
    const list = this.suspects.get(index);
    if (!list) return [];
    this.suspects.delete(index);
    const liars = new Set<PeerId>();
    for (const suspect of list) {
      suspect.blockSenders.forEach((sender, block) => {
        if (sender === null) return;
        const begin = block * BLOCK_BYTES;
        const end = Math.min(begin + BLOCK_BYTES, good.byteLength);
        if (!sameBytes(suspect.buffer, good, begin, end)) liars.add(sender);
      });
    }
    return [...liars];
  }

  failuresOf(peer: PeerId): number {
    return this.failures.get(peer) ?? 0;
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array, begin: number, end: number): boolean {
  for (let i = begin; i < end; i++) if (a[i] !== b[i]) return false;
  return true;
}
