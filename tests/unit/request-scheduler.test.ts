import { describe, expect, it } from 'vitest';
import { Bitfield } from '../../src/chunks/bitfield.ts';
import { PiecePicker } from '../../src/swarm/picker.ts';
import { PieceDownload } from '../../src/swarm/piece-download.ts';
import { RequestScheduler, type ScheduleContext } from '../../src/swarm/request-scheduler.ts';
import { BLOCK_BYTES } from '../../src/swarm/wire.ts';
import { makeContent, seededBytes, seededRandom } from '../support/content.ts';
import { remotePeer, remoteSession, settle } from '../support/remote-session.ts';

const PIECES = 4;

/** One neighbour holding pieces 0–3 and another holding 0–1: pieces 2 and 3 are rare. */
async function setup() {
  const content = await makeContent(seededBytes(PIECES * 2 * BLOCK_BYTES, 1), 2 * BLOCK_BYTES);
  const picker = new PiecePicker(PIECES, seededRandom(2));
  const holder = await remoteSession(1, PIECES, [0, 1, 2, 3]);
  picker.addPeer(holder.remotePeerId!, holder.remotePieces as Bitfield);
  const other = await remoteSession(2, PIECES, [0, 1]);
  picker.addPeer(other.remotePeerId!, other.remotePieces as Bitfield);
  const ctx: ScheduleContext = { manifest: content.manifest, picker, piecesVerified: 0, requestsInFlight: () => 0 };
  return { scheduler: new RequestScheduler('rarest'), holder, ctx };
}

describe('RequestScheduler.rareRequest', () => {
  it('asks only for blocks of pieces no other neighbour has, until all of them are asked', async () => {
    const { scheduler, holder, ctx } = await setup();
    const asked: string[] = [];
    for (let request = scheduler.rareRequest(holder, ctx); request; request = scheduler.rareRequest(holder, ctx)) {
      scheduler.active.get(request.index)!.markAsked(request.begin, holder.remotePeerId!);
      asked.push(`${request.index}:${request.begin / BLOCK_BYTES}`);
    }
    expect(asked.sort()).toEqual(['2:0', '2:1', '3:0', '3:1']);
  });

  it('asks a seed for nothing past the pipeline', async () => {
    const { scheduler, holder, ctx } = await setup();
    // The seed replaces the neighbour holding everything: pieces 2 and 3 are now the seed's alone.
    ctx.picker.removePeer(holder.remotePeerId!);
    const seed = await remoteSession(3, PIECES, 'all');
    ctx.picker.addPeer(seed.remotePeerId!, 'all');
    expect(ctx.picker.availabilityOf(2)).toBe(1);
    expect(scheduler.rareRequest(seed, ctx)).toBeNull();
  });

  it('asks for nothing past the pipeline while a player waits on a critical range', async () => {
    const { scheduler, holder, ctx } = await setup();
    scheduler.critical = { from: 0, to: 1 };
    expect(scheduler.rareRequest(holder, ctx)).toBeNull();
  });
});

describe('RequestScheduler.fill', () => {
  /** What a fresh scheduler asks of a new seed that unchoked us, before its rate is known. */
  async function firstBatch(pieceBytes: number, pieces: number, seed: number) {
    const content = await makeContent(seededBytes(pieces * pieceBytes, seed), pieceBytes);
    const picker = new PiecePicker(pieces, seededRandom(seed + 1));
    const remote = await remotePeer(1, pieces, 'all');
    remote.send({ type: 'unchoke' });
    await settle();
    picker.addPeer(remote.session.remotePeerId!, 'all');
    const ctx: ScheduleContext = { manifest: content.manifest, picker, piecesVerified: 0, requestsInFlight: () => 0 };
    return new RequestScheduler('rarest').fill(remote.session, ctx, () => true)!;
  }

  it('asks a new peer for a whole piece at once, before its rate is known', async () => {
    const blocksPerPiece = 8;
    const batch = await firstBatch(blocksPerPiece * BLOCK_BYTES, 2, 3);
    expect(batch).toHaveLength(blocksPerPiece);
    expect(new Set(batch.map((request) => request.index)).size).toBe(1);
  });

  it('keeps as many bytes in flight when pieces are smaller than a block: a block is then a whole piece', async () => {
    const pieceBytes = 16 * 1024;
    const batch = await firstBatch(pieceBytes, 64, 5);
    // Before the rate is known: 64 KiB in the pipeline, four pieces (counted in 128 KiB blocks, it was one).
    expect(batch.every((request) => request.begin === 0 && request.length === pieceBytes)).toBe(true);
    expect(batch).toHaveLength(64 / 16);
    expect(new Set(batch.map((request) => request.index)).size).toBe(batch.length);
  });
});

describe('RequestScheduler: pieces a choking peer offered (allowed-fast)', () => {
  const blocks = (requests: { index: number; begin: number }[] | null) => requests?.map((r) => `${r.index}:${r.begin / BLOCK_BYTES}`);

  it('asks a peer that chokes us for nothing but the blocks of a piece it offered', async () => {
    const { scheduler, holder, ctx } = await setup();
    expect(holder.peerChoking).toBe(true);
    expect(scheduler.fill(holder, ctx, () => true)).toEqual([]);
    expect(scheduler.offered(holder.remotePeerId!, 2, ctx.picker)).toBe(true);
    expect(blocks(scheduler.fill(holder, ctx, () => true))).toEqual(['2:0', '2:1']);
  });

  it('ignores an offer of a piece it has or is already fetching elsewhere', async () => {
    const { scheduler, holder, ctx } = await setup();
    scheduler.active.set(2, new PieceDownload(2, 2 * BLOCK_BYTES));
    ctx.picker.markVerified(3);
    expect(scheduler.offered(holder.remotePeerId!, 2, ctx.picker)).toBe(false);
    expect(scheduler.offered(holder.remotePeerId!, 3, ctx.picker)).toBe(false);
    expect(scheduler.fill(holder, ctx, () => true)).toEqual([]);
  });

  it('drops offers when the peer chokes or unchokes us, and an offered piece the peer then refuses', async () => {
    const { scheduler, holder, ctx } = await setup();
    scheduler.offered(holder.remotePeerId!, 2, ctx.picker);
    scheduler.dropOffers(holder.remotePeerId!);
    expect(scheduler.fill(holder, ctx, () => true)).toEqual([]);
    scheduler.offered(holder.remotePeerId!, 3, ctx.picker);
    scheduler.rejected(holder, { index: 3, begin: 0, length: BLOCK_BYTES });
    expect(scheduler.fill(holder, ctx, () => true)).toEqual([]);
  });

  it('holds at most four offers from one peer, so a peer cannot pile them up', async () => {
    const { scheduler, holder } = await setup();
    const picker = new PiecePicker(8, seededRandom(3));
    const taken = [0, 1, 2, 3, 4, 5].map((i) => scheduler.offered(holder.remotePeerId!, i, picker));
    expect(taken).toEqual([true, true, true, true, false, false]);
  });
});
