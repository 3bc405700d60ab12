import { describe, expect, it } from 'vitest';
import { Bitfield } from '../../src/chunks/bitfield.ts';
import { MemoryPieceStore } from '../../src/chunks/memory-piece-store.ts';
import { Uploader, type UploaderOptions } from '../../src/swarm/uploader.ts';
import { FAST_OFFER_TTL_MS } from '../../src/swarm/fast-offers.ts';
import { BLOCK_BYTES, type WireMessage } from '../../src/swarm/wire.ts';
import { seededRandom } from '../support/content.ts';
import { remotePeer, remoteSession, settle, type RemotePeer } from '../support/remote-session.ts';

const first = (index: number) => ({ index, begin: 0, length: BLOCK_BYTES });
const last = (index: number) => ({ index, begin: BLOCK_BYTES, length: BLOCK_BYTES });

function uploader(opts: Partial<UploaderOptions> = {}): Uploader {
  return new Uploader({ store: opts.store ?? new MemoryPieceStore(), now: () => 0, random: seededRandom(1), uploadSlots: 4, ...opts });
}

const PIECES = 8;
const firstPieces = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('Uploader', () => {
  it('seeding with every piece out, gives regular slots to the peers that lack the most', async () => {
    const u = uploader();
    u.setPieceCount(PIECES, () => 2);
    u.piecesSeen('all');
    const peers = await Promise.all([7, 1, 6, 2, 5, 3].map((held, i) => remoteSession(i + 1, PIECES, firstPieces(held))));
    u.rechoke(peers, true, true);
    const unchoked = peers.filter((p) => !p.amChoking);
    expect(unchoked).toHaveLength(4);
    // Three regular slots to those holding 1, 2 and 3 pieces; the optimistic one to any other.
    expect(unchoked.map((p) => (p.remotePieces as Bitfield).count())).toEqual(expect.arrayContaining([1, 2, 3]));
  });

  it('downloading, gives regular slots to the peers that take the most from us, not those that give us the most', async () => {
    const u = uploader();
    u.setPieceCount(PIECES, () => 2);
    const peers = await Promise.all(firstPieces(6).map((i) => remoteSession(i + 1, PIECES, [i])));
    const givers = [peers[0], peers[2], peers[4]];
    const takers = [peers[1], peers[3], peers[5]];
    for (const p of givers) p.downloadRate.add(2000);
    takers.forEach((p, i) => p.uploadRate.add(1000 - i * 100));
    u.rechoke(peers, false, true);
    expect(peers.filter((p) => !p.amChoking)).toEqual(expect.arrayContaining(takers));
    expect(givers.filter((p) => !p.amChoking).length).toBe(1);
  });

  it('seeding while some piece is not out, keeps slots with the peers it sends to fastest, not the neediest', async () => {
    const u = uploader();
    u.setPieceCount(PIECES, () => 2);
    const peers = await Promise.all([7, 1, 6, 2, 5, 3].map((held, i) => remoteSession(i + 1, PIECES, firstPieces(held))));
    const neediest = peers.filter((p) => (p.remotePieces as Bitfield).count() <= 3);
    peers[0].uploadRate.add(1000);
    peers[2].uploadRate.add(900);
    peers[4].uploadRate.add(800);
    u.rechoke(peers, true, true);
    expect(peers.filter((p) => !p.amChoking)).toEqual(expect.arrayContaining([peers[0], peers[2], peers[4]]));
    expect(neediest.filter((p) => !p.amChoking).length).toBeLessThanOrEqual(1);
  });

  it('holding back, sends each piece to one peer until every piece is out', () => {
    const u = uploader();
    u.setPieceCount(2, () => 2);
    expect(u.claim('a', first(0), true)).toBe(true);
    expect(u.claim('a', last(0), true)).toBe(true);
    expect(u.claim('b', first(0), true)).toBe(false);
    expect(u.claim('b', first(1), true)).toBe(true);
    u.pieceSeen(0);
    expect(u.claim('c', first(0), true)).toBe(false);
    u.pieceSeen(1);
    expect(u.claim('c', first(0), true)).toBe(true);
  });

  it('holding back, refuses any block of a second copy, not only its first', () => {
    const u = uploader();
    u.setPieceCount(2, () => 2);
    expect(u.claim('a', first(0), true)).toBe(true);
    expect(u.claim('b', last(0), true)).toBe(false);
  });

  it('holding back, counts a piece out when a peer announces it, not when its last block is queued', () => {
    const u = uploader();
    u.setPieceCount(2, () => 2);
    for (const request of [first(0), last(0), first(1), last(1)]) expect(u.claim('a', request, true)).toBe(true);
    expect(u.claim('b', first(0), true)).toBe(false);
    expect(u.claim('b', last(1), true)).toBe(false);
    const both = new Bitfield(2);
    both.set(0);
    both.set(1);
    u.piecesSeen(both);
    expect(u.claim('b', first(0), true)).toBe(true);
  });

  it('holding back, lets another peer take on a copy whose peer left, or was choked before it had every block', () => {
    for (const why of ['left', 'choked'] as const) {
      const u = uploader();
      u.setPieceCount(2, () => 2);
      expect(u.claim('a', first(0), true)).toBe(true);
      expect(u.claim('b', first(0), true)).toBe(false);
      u.dropCopiesTo('a', why);
      expect(u.claim('b', first(0), true)).toBe(true);
      expect(u.claim('b', last(0), true)).toBe(true);
    }
  });

  it('holding back, sends again a piece whose every holder left: it is no longer out', () => {
    const u = uploader();
    // Piece 2 is never out, so the seed holds back throughout.
    u.setPieceCount(3, () => 2);
    expect(u.claim('a', first(0), true)).toBe(true);
    u.pieceSeen(0, 'a');
    u.pieceSeen(1, 'c');
    expect(u.claim('b', first(0), true)).toBe(false);
    // a leaves; c, still here, holds piece 1 but not piece 0.
    u.peerLeft('a', (index) => index === 1);
    expect(u.claim('b', first(0), true)).toBe(true);
    expect(u.claim('b', last(0), true)).toBe(true);
    expect(u.claim('d', first(1), true)).toBe(false);
  });

  it('holding back, keeps a copy whose every block was handed over when its peer is choked: those blocks still arrive', () => {
    const u = uploader();
    u.setPieceCount(2, () => 2);
    expect(u.claim('a', first(0), true)).toBe(true);
    expect(u.claim('a', first(0), true)).toBe(true);
    u.dropCopiesTo('a', 'choked');
    // One block asked twice is still half a copy.
    expect(u.claim('b', first(0), true)).toBe(true);
    expect(u.claim('b', last(0), true)).toBe(true);
    u.dropCopiesTo('b', 'choked');
    expect(u.claim('c', first(0), true)).toBe(false);
    u.dropCopiesTo('b', 'left');
    expect(u.claim('c', first(0), true)).toBe(true);
  });

  it('not holding back, never refuses', () => {
    const u = uploader();
    u.setPieceCount(2, () => 2);
    u.claim('a', first(0), false);
    u.claim('a', last(0), false);
    expect(u.claim('b', first(0), false)).toBe(true);
  });

  it('serves stored bytes, or corrupted ones when told to play a poisoner', async () => {
    const store = new MemoryPieceStore();
    await store.put(0, new Uint8Array(2 * BLOCK_BYTES).fill(3));
    expect((await uploader({ store }).readBlock(first(0)))![0]).toBe(3);
    const poisoned = await uploader({ store, corruptUploads: true }).readBlock(first(0));
    expect(poisoned![0]).toBe(3 ^ 0xff);
    expect((await store.get(0))![0]).toBe(3);
    expect(await uploader({ store }).readBlock(first(1))).toBeNull();
  });
});

describe('Uploader: allowed-fast offers to choked neighbours', () => {
  /** Availability around us: piece 2 is the rarest. */
  const availability = (i: number) => [5, 3, 1, 0][i]!;
  const ours = new Bitfield(4);
  for (const i of [0, 1, 2]) ours.set(i);
  const offersTo = (remote: RemotePeer) =>
    remote.received.filter((m): m is Extract<WireMessage, { type: 'allowed-fast' }> => m.type === 'allowed-fast').map((m) => m.index);

  /** `taker` is unchoked and asked for a block it keeps queued while `paused`; `choked` lacks pieces 0 and 2. */
  async function neighbours() {
    const uplink = { paused: true };
    const taker = await remotePeer(1, 4, [3], { mayUpload: () => !uplink.paused });
    const choked = await remotePeer(2, 4, [1, 3]);
    taker.session.setChoking(false);
    taker.send({ type: 'request', index: 0, begin: 0, length: BLOCK_BYTES });
    await settle();
    expect(taker.session.queuedUploads).toBe(1);
    return { taker, choked, uplink, sessions: [taker.session, choked.session] };
  }

  const offerable = () => ({ pieces: ours, availability });

  it('offers a choked neighbour the rarest piece it lacks, only once no unchoked peer has anything queued', async () => {
    const u = uploader({ offerable });
    const { taker, choked, uplink, sessions } = await neighbours();
    u.useSpareUplink(sessions);
    await settle();
    expect(offersTo(choked)).toEqual([]);
    uplink.paused = false;
    taker.session.resumeUploads();
    await settle();
    u.useSpareUplink(sessions);
    await settle();
    expect(offersTo(choked)).toEqual([2]);
    expect(offersTo(taker)).toEqual([]);
  });

  it('sends a choked peer blocks of the offered piece only, and only while no unchoked peer has anything queued', async () => {
    const u = uploader({ offerable });
    const { taker, choked, uplink, sessions } = await neighbours();
    uplink.paused = false;
    taker.session.resumeUploads();
    await settle();
    u.useSpareUplink(sessions);
    expect(u.servesWhileChoking(choked.session.remotePeerId!, 2)).toBe(true);
    expect(u.servesWhileChoking(choked.session.remotePeerId!, 0)).toBe(false);
    expect(u.mayUpload(choked.session, BLOCK_BYTES, sessions)).toBe(true);
    uplink.paused = true;
    taker.send({ type: 'request', index: 0, begin: BLOCK_BYTES, length: BLOCK_BYTES });
    await settle();
    expect(u.mayUpload(choked.session, BLOCK_BYTES, sessions)).toBe(false);
    expect(u.mayUpload(taker.session, BLOCK_BYTES, sessions)).toBe(true);
  });

  it('closes an offer when the peer announces the piece, when its choke state changes, and after a while', async () => {
    let now = 0;
    const u = uploader({ now: () => now, offerable });
    u.setPieceCount(4, () => 2);
    const { taker, choked, uplink, sessions } = await neighbours();
    uplink.paused = false;
    taker.session.resumeUploads();
    await settle();
    const peer = choked.session.remotePeerId!;
    u.useSpareUplink(sessions);
    u.pieceSeen(2, peer);
    expect(u.servesWhileChoking(peer, 2)).toBe(false);
    u.useSpareUplink(sessions);
    expect(u.servesWhileChoking(peer, 2)).toBe(true);
    now += FAST_OFFER_TTL_MS;
    expect(u.servesWhileChoking(peer, 2)).toBe(false);
    u.useSpareUplink(sessions);
    expect(u.servesWhileChoking(peer, 2)).toBe(true);
    u.rechoke(sessions, false, true);
    expect(choked.session.amChoking).toBe(false);
    expect(u.servesWhileChoking(peer, 2)).toBe(false);
  });
});
