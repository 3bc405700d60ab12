import { describe, expect, it } from 'vitest';
import { MemoryPieceStore } from '../../src/chunks/memory-piece-store.ts';
import { StorageError } from '../../src/chunks/piece-store.ts';
import { sha256 } from '../../src/chunks/sha256.ts';
import type { Channel } from '../../src/swarm/channel.ts';
import { memoryChannelPair } from '../../src/swarm/memory-channel.ts';
import { PIECE_DOWNLOADING, PIECE_HAD } from '../../src/swarm/piece-map.ts';
import type { SwarmOptions } from '../../src/swarm/swarm-options.ts';
import { Swarm } from '../../src/swarm/swarm.ts';
import { BLOCK_BYTES, decodeMessage, encodeMessage, tagOf } from '../../src/swarm/wire.ts';
import { fullStore, makeContent, randomPeerIdFrom, seededBytes, seededRandom, type Content } from '../support/content.ts';

const PIECE = 64 * 1024;

function swarmFor(
  content: Content,
  opts: { seed: boolean; store: MemoryPieceStore; rng: () => number; manifest?: Content['manifest'] },
  extra: Partial<SwarmOptions> = {},
) {
  return new Swarm({
    swarmId: content.swarmId,
    localPeerId: randomPeerIdFrom(opts.rng),
    manifest: opts.seed ? (opts.manifest ?? content.manifest) : null,
    store: opts.store,
    storedPieces: opts.seed ? content.pieces.map((_, i) => i) : [],
    hash: sha256,
    now: () => performance.now(),
    random: opts.rng,
    ...extra,
  });
}

function completion(swarm: Swarm): Promise<void> {
  return new Promise((resolve) => swarm.events.on('completed', () => resolve()));
}

async function expectStoreHolds(store: MemoryPieceStore, content: Content): Promise<void> {
  for (let i = 0; i < content.pieces.length; i++) {
    const stored = await store.get(i);
    // Buffer.equals, not toEqual: deep equality walks typed arrays element by element.
    expect(stored && Buffer.from(stored).equals(content.pieces[i]), `piece ${i}`).toBe(true);
  }
}

/** A seed's store whose reads fail, as when a shared file was moved, until `readable`. */
class UnreadableStore extends MemoryPieceStore {
  readable = false;

  override async get(index: number): Promise<Uint8Array | undefined> {
    if (!this.readable) throw new StorageError('unavailable', `could not read piece ${index}: the file moved`);
    return super.get(index);
  }
}

/** Connects two swarms over an in-memory channel. */
function link(from: Swarm, to: Swarm): void {
  const [a, b] = memoryChannelPair();
  from.addChannel(a);
  to.addChannel(b);
}

/** A new leecher linked only to `source`, once it holds every piece. */
async function leechFrom(source: Swarm, content: Content, rng: () => number): Promise<{ swarm: Swarm; store: MemoryPieceStore }> {
  const store = new MemoryPieceStore();
  const swarm = swarmFor(content, { seed: false, store, rng });
  const done = completion(swarm);
  link(source, swarm);
  await done;
  return { swarm, store };
}

/** Two leechers, each linked only to `seed`, ticking (refused requests are retried after a tick): both complete correctly. */
async function twoLeechersOnlyLinkedTo(seed: Swarm, content: Content, rng: () => number): Promise<void> {
  const stores = [new MemoryPieceStore(), new MemoryPieceStore()];
  const leechers = stores.map((store) => swarmFor(content, { seed: false, store, rng }));
  const done = Promise.all(leechers.map(completion));
  for (const leecher of leechers) {
    link(seed, leecher);
  }
  const ticking = setInterval(() => [seed, ...leechers].forEach((s) => s.tick()), 20);
  try {
    await done;
  } finally {
    clearInterval(ticking);
  }
  for (const store of stores) await expectStoreHolds(store, content);
}

/** Wraps a channel so that frames it sends can be altered (a lying peer). */
function tamperingChannel(inner: Channel, tamper: (frame: Uint8Array) => Uint8Array, incoming?: (frame: Uint8Array) => void): Channel {
  return {
    get bufferedAmount() { return inner.bufferedAmount; },
    get lowWaterMark() { return inner.lowWaterMark; },
    get closed() { return inner.closed; },
    get onDrain() { return inner.onDrain; },
    set onDrain(cb) { inner.onDrain = cb; },
    get onMessage() { return inner.onMessage; },
    set onMessage(cb) { inner.onMessage = cb && incoming ? (frame) => { incoming(frame); cb(frame); } : cb; },
    get onClose() { return inner.onClose; },
    set onClose(cb) { inner.onClose = cb; },
    send: (frame) => inner.send(tamper(frame)),
    close: () => inner.close(),
  };
}

describe('two swarms over an in-memory channel', () => {
  it('transfer a multi-piece file, fetching the manifest from the seed', async () => {
    const content = await makeContent(seededBytes(17 * PIECE + 1234, 7), PIECE);
    const rng = seededRandom(1);
    const seed = swarmFor(content, { seed: true, store: await fullStore(content), rng });
    const leechStore = new MemoryPieceStore();
    const leech = swarmFor(content, { seed: false, store: leechStore, rng });
    const manifests: unknown[] = [];
    leech.events.on('manifestReceived', (m) => manifests.push(m));
    const done = completion(leech);
    link(seed, leech);
    await done;
    expect(manifests).toHaveLength(1);
    expect(leech.manifest).toEqual(content.manifest);
    await expectStoreHolds(leechStore, content);
    expect(seed.stats().bytesUploaded).toBe(content.data.byteLength);
    expect(leech.stats().bytesDownloaded).toBe(content.data.byteLength);
  });

  it('a leecher tells a seed it is interested while the manifest is on its way, not after', async () => {
    const content = await makeContent(seededBytes(4 * PIECE, 8), PIECE);
    const rng = seededRandom(9);
    const seed = swarmFor(content, { seed: true, store: await fullStore(content), rng });
    const leech = swarmFor(content, { seed: false, store: new MemoryPieceStore(), rng });
    const order: string[] = [];
    const done = completion(leech);
    const [a, b] = memoryChannelPair();
    seed.addChannel(a);
    leech.addChannel(
      tamperingChannel(
        b,
        (frame) => {
          if (frame[0] === tagOf('interested')) order.push('interested sent');
          return frame;
        },
        (frame) => {
          if (frame[0] === tagOf('metadata')) order.push('manifest received');
        },
      ),
    );
    await done;
    expect(order).toEqual(['interested sent', 'manifest received']);
  });

  it('ask for blocks in runs: a refill names many blocks in one request message', async () => {
    // 1 MiB pieces: 8 blocks, so a run can name up to 8.
    const content = await makeContent(seededBytes(16 * 16 * PIECE, 8), 16 * PIECE);
    const rng = seededRandom(4);
    const seed = swarmFor(content, { seed: true, store: await fullStore(content), rng });
    const leechStore = new MemoryPieceStore();
    const leech = swarmFor(content, { seed: false, store: leechStore, rng });
    const done = completion(leech);
    const [a, b] = memoryChannelPair();
    let requestMessages = 0;
    let blocksAsked = 0;
    const counting = tamperingChannel(b, (frame) => {
      const message = frame[0] === tagOf('request') ? decodeMessage(frame, { pieceCount: null }) : null;
      if (message?.type === 'request') {
        requestMessages++;
        blocksAsked += Math.ceil(message.length / BLOCK_BYTES);
      }
      return frame;
    });
    seed.addChannel(a);
    leech.addChannel(counting);
    await done;
    await expectStoreHolds(leechStore, content);
    expect(blocksAsked).toBe(content.data.byteLength / BLOCK_BYTES);
    expect(requestMessages).toBeLessThan(blocksAsked / 3);
  });

  it('fetch a critical range first and strictly in order, then the rest', async () => {
    const content = await makeContent(seededBytes(64 * PIECE, 12), PIECE);
    const rng = seededRandom(5);
    const seed = swarmFor(content, { seed: true, store: await fullStore(content), rng });
    const leech = swarmFor(content, { seed: false, store: new MemoryPieceStore(), rng });
    const verified: number[] = [];
    leech.events.on('manifestReceived', () => leech.setCriticalRange({ from: 40, to: 46 }));
    leech.events.on('pieceVerified', (index) => verified.push(index));
    const done = completion(leech);
    const [a, b] = memoryChannelPair();
    seed.addChannel(a);
    // The order pieces are asked for is the picker's; the order they verify in also depends on
    // which hash finishes first (two pieces hash in parallel), so the requests are what is checked.
    const requested: number[] = [];
    leech.addChannel(
      tamperingChannel(b, (frame) => {
        const message = decodeMessage(frame, { pieceCount: 64 });
        if (message.type === 'request' && !requested.includes(message.index)) requested.push(message.index);
        return frame;
      }),
    );
    await done;
    expect(requested.slice(0, 6)).toEqual([40, 41, 42, 43, 44, 45]);
    expect(new Set(verified).size).toBe(64);
  });

  it('reject a corrupted piece, never store it, and fetch it again', async () => {
    const content = await makeContent(seededBytes(9 * PIECE, 11), PIECE);
    const rng = seededRandom(2);
    const seed = swarmFor(content, { seed: true, store: await fullStore(content), rng });
    const leechStore = new MemoryPieceStore();
    const puts: number[] = [];
    const realPut = leechStore.put.bind(leechStore);
    leechStore.put = async (index, bytes) => {
      expect(await sha256(bytes)).toEqual(content.manifest.pieceHashes.subarray(index * 32, index * 32 + 32));
      puts.push(index);
      return realPut(index, bytes);
    };
    const leech = swarmFor(content, { seed: false, store: leechStore, rng });
    const failed: number[] = [];
    leech.events.on('pieceFailed', (index) => failed.push(index));
    const done = completion(leech);
    let corrupted = false;
    const [a, b] = memoryChannelPair();
    seed.addChannel(
      tamperingChannel(a, (frame) => {
        const message = decodeMessage(frame, { pieceCount: 9 });
        if (corrupted || message.type !== 'block' || message.index !== 3) return frame;
        corrupted = true;
        const data = message.data.slice();
        data[100] ^= 0xff;
        return encodeMessage({ ...message, data });
      }),
    );
    leech.addChannel(b);
    await done;
    expect(corrupted).toBe(true);
    expect(failed).toEqual([3]);
    expect(leech.stats().piecesFailed).toBe(1);
    expect(puts.sort((x, y) => x - y)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    await expectStoreHolds(leechStore, content);
  });

  it('reuses a stored piece\'s buffer for a later piece, and only once its write has settled', async () => {
    const content = await makeContent(seededBytes(24 * PIECE, 13), PIECE);
    const rng = seededRandom(4);
    const seed = swarmFor(content, { seed: true, store: await fullStore(content), rng });
    const leechStore = new MemoryPieceStore();
    const buffers = new Set<ArrayBufferLike>();
    const realPut = leechStore.put.bind(leechStore);
    // Like IndexedDB, the copy is taken late: a buffer reused before the write settles would be stored corrupt.
    leechStore.put = (index, bytes) => {
      buffers.add(bytes.buffer);
      return new Promise((resolve, reject) => setTimeout(() => realPut(index, bytes).then(resolve, reject), 100));
    };
    // Paced, so later pieces start after earlier ones are stored (unpaced, all 24 are under way at once).
    const leech = swarmFor(content, { seed: false, store: leechStore, rng }, { downloadBytesPerSecond: 1024 * 1024 });
    const done = completion(leech);
    link(seed, leech);
    const ticking = setInterval(() => leech.tick(), 20);
    await done.finally(() => clearInterval(ticking));
    await expectStoreHolds(leechStore, content);
    expect(buffers.size).toBeLessThan(content.pieces.length);
  });

  it('reject a manifest whose hash does not match the swarm id, then take an honest one', async () => {
    const content = await makeContent(seededBytes(4 * PIECE, 3), PIECE);
    const other = await makeContent(seededBytes(4 * PIECE, 4), PIECE);
    const rng = seededRandom(3);
    const liar = swarmFor(content, { seed: true, store: await fullStore(other), rng, manifest: other.manifest });
    const honest = swarmFor(content, { seed: true, store: await fullStore(content), rng });
    const leechStore = new MemoryPieceStore();
    const leech = swarmFor(content, { seed: false, store: leechStore, rng });
    const rejected = new Promise<string>((resolve) => leech.events.on('manifestRejected', (_p, reason) => resolve(reason)));
    link(liar, leech);
    expect(await rejected).toMatch(/hash mismatch/);
    expect(leech.manifest).toBeNull();
    const done = completion(leech);
    link(honest, leech);
    await done;
    await expectStoreHolds(leechStore, content);
  });

  it('a seed hands its manifest to four peers at once; a fifth gets it from one of them', async () => {
    const content = await makeContent(seededBytes(4 * PIECE, 11), PIECE);
    const rng = seededRandom(11);
    // Its clock stands still: no manifest allowance comes back while the test runs.
    const seed = swarmFor(content, { seed: true, store: await fullStore(content), rng }, { now: () => 0 });
    const leechers = Array.from({ length: 5 }, () => swarmFor(content, { seed: false, store: new MemoryPieceStore(), rng }));
    const manifests = leechers.map((l) => new Promise<void>((resolve) => l.events.on('manifestReceived', () => resolve())));
    let fromSeed = 0;
    for (const leecher of leechers) {
      const [a, b] = memoryChannelPair();
      seed.addChannel(tamperingChannel(a, (frame) => ((fromSeed += frame[0] === tagOf('metadata') ? 1 : 0), frame)));
      leecher.addChannel(b);
    }
    for (let i = 0; i < leechers.length; i++) for (let j = i + 1; j < leechers.length; j++) link(leechers[i], leechers[j]);
    await Promise.all(manifests);
    expect(fromSeed).toBe(4);
    await Promise.all(leechers.map(completion));
  });

  // Regression: the first leecher never told the seed it had the pieces (no `have` to a seed), so the
  // seed, holding back repeats, refused every piece to the next leecher while the first stayed.
  it('a second leecher gets every piece from the source seed while the first, complete, stays connected', async () => {
    const content = await makeContent(seededBytes(6 * PIECE + 99, 6), PIECE);
    const rng = seededRandom(5);
    const seed = swarmFor(content, { seed: true, store: await fullStore(content), rng });
    await leechFrom(seed, content, rng);
    const second = await leechFrom(seed, content, rng);
    await expectStoreHolds(second.store, content);
    expect(seed.stats().bytesUploaded).toBe(2 * content.data.byteLength);
  });

  it('a seed that cannot read a piece refuses it at once and says why, and reads it again later', async () => {
    const content = await makeContent(seededBytes(4 * PIECE, 8), PIECE);
    const rng = seededRandom(8);
    const store = new UnreadableStore();
    for (let i = 0; i < content.pieces.length; i++) await store.put(i, content.pieces[i]);
    const seed = swarmFor(content, { seed: true, store, rng });
    const failures: string[] = [];
    seed.events.on('readFailed', (error) => failures.push(error.message));
    const leecherStore = new MemoryPieceStore();
    const leecher = swarmFor(content, { seed: false, store: leecherStore, rng });
    const done = completion(leecher);
    // The owner's periodic tick: a refused piece may be asked for again from the next tick on.
    const ticker = setInterval(() => leecher.tick(), 20);
    try {
      link(seed, leecher);
      await expect.poll(() => failures.length).toBeGreaterThan(0);
      expect(failures[0]).toMatch(/could not read piece \d+: the file moved/);
      // Refused, not left to time out (the default timeout is 20 s): nothing is still asked of the seed.
      await expect.poll(() => leecher.stats().peers[0]?.requestsInFlight ?? -1).toBe(0);
      store.readable = true;
      await done;
      await expectStoreHolds(leecherStore, content);
      expect(leecher.stats().requestsTimedOut).toBe(0);
    } finally {
      clearInterval(ticker);
    }
  });

  it('a leecher seeds back: a third peer completes from the leecher alone', async () => {
    const content = await makeContent(seededBytes(6 * PIECE + 99, 5), PIECE);
    const rng = seededRandom(4);
    const seed = swarmFor(content, { seed: true, store: await fullStore(content), rng });
    const middle = await leechFrom(seed, content, rng);
    seed.destroy();
    const last = await leechFrom(middle.swarm, content, rng);
    await expectStoreHolds(last.store, content);
    expect(middle.swarm.stats().bytesUploaded).toBe(content.data.byteLength);
  });

  // Regression: leechers announced pieces only to peers lacking them, so the source seed never heard
  // that a piece was out, kept holding back every second copy, and two leechers that can reach only
  // the seed split the pieces between them and never completed.
  it('the source seed hears what leechers hold: two leechers linked only to it both complete', async () => {
    const content = await makeContent(seededBytes(12 * PIECE, 9), PIECE);
    const rng = seededRandom(6);
    const seed = swarmFor(content, { seed: true, store: await fullStore(content), rng });
    await twoLeechersOnlyLinkedTo(seed, content, rng);
  });

  it('passes an upload slot on as soon as its holder stops wanting it, not at the next rechoke', async () => {
    const content = await makeContent(seededBytes(6 * PIECE, 10), PIECE);
    const rng = seededRandom(7);
    // One slot and no periodic rechoke within the test: only the handover can serve the second peer.
    const seed = swarmFor(content, { seed: true, store: await fullStore(content), rng }, { uploadSlots: 1, rechokeIntervalMs: 3_600_000 });
    await twoLeechersOnlyLinkedTo(seed, content, rng);
  });
});

describe('the piece map a swarm reports', () => {
  it('shows pieces downloading while under way, availability from the seed, and all had at the end', async () => {
    const content = await makeContent(seededBytes(12 * PIECE, 31), PIECE);
    const rng = seededRandom(9);
    const seed = swarmFor(content, { seed: true, store: await fullStore(content), rng });
    const leech = swarmFor(content, { seed: false, store: new MemoryPieceStore(), rng });
    expect(leech.pieceMap()).toBeNull();
    const seen: Array<{ had: number; downloading: number; missingAvailability: number[] }> = [];
    leech.events.on('pieceVerified', () => {
      const map = leech.pieceMap()!;
      const missing = [...map.states].filter((code) => code < PIECE_DOWNLOADING);
      seen.push({ had: map.had, downloading: map.downloading, missingAvailability: [...new Set(missing)] });
    });
    const done = completion(leech);
    link(seed, leech);
    await done;
    const map = leech.pieceMap()!;
    expect(map.had).toBe(12);
    expect([...map.states].every((code) => code === PIECE_HAD)).toBe(true);
    expect(seen.map((s) => s.had)).toEqual([...Array(12).keys()].map((i) => i + 1));
    // The one connected peer is a seed: every missing piece has exactly one holder.
    for (const s of seen) expect(s.missingAvailability.every((n) => n === 1)).toBe(true);
    expect(seen.some((s) => s.downloading > 0)).toBe(true);
    // Memory channels cannot tell a route: the peer list says so rather than guess.
    expect(leech.stats().peers.map((p) => p.connection)).toEqual([null]);
  });
});

describe('a channel handed over for a named peer', () => {
  it('is refused when the handshake names someone else, and counts as connected until then', async () => {
    const content = await makeContent(seededBytes(2 * PIECE, 21), PIECE);
    const rng = seededRandom(21);
    const seed = swarmFor(content, { seed: true, store: await fullStore(content), rng });
    const leech = swarmFor(content, { seed: false, store: new MemoryPieceStore(), rng });
    const [a, b] = memoryChannelPair();
    seed.addChannel(a);
    leech.addChannel(b, 'f'.repeat(32));
    expect(leech.connectedPeers()).toEqual(['f'.repeat(32)]);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(b.closed).toBe(true);
    expect(leech.connectedPeers()).toEqual([]);
  });
});
