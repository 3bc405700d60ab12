import { describe, expect, it } from 'vitest';
import type { Channel } from '../../src/swarm/channel.ts';
import { memoryChannelPair } from '../../src/swarm/memory-channel.ts';
import {
  PeerSession,
  type SessionClosedError,
  type SessionEvents,
  type SessionOptions,
} from '../../src/swarm/peer-session.ts';
import { BLOCK_BYTES, MAX_REQUEST_BYTES, PROTOCOL_VERSION, decodeMessage, encodeMessage, type WireMessage } from '../../src/swarm/wire.ts';

const SWARM = new Uint8Array(32).fill(7);
const ID_A = new Uint8Array(16).fill(1);
const ID_B = new Uint8Array(16).fill(2);

function recorder() {
  const log: string[] = [];
  let closedWith: SessionClosedError | null = null;
  const events: SessionEvents = {
    handshaked: () => log.push('handshaked'),
    metadataRequested: () => log.push('metadataRequested'),
    metadataChunkReceived: (_s, total, offset) => log.push(`metadata ${total}@${offset}`),
    metadataRejected: () => log.push('metadataRejected'),
    piecesAnnounced: (s) => log.push(`pieces ${s.remotePieces === 'all' ? 'all' : s.remotePieces?.count()}`),
    announcedBeforeManifest: (_s: PeerSession, hasPieces: boolean) => log.push(hasPieces ? 'pieces before manifest' : 'holder before manifest'),
    haveReceived: (_s, i) => log.push(`have ${i}`),
    fastOfferReceived: (_s, i) => log.push(`offered ${i}`),
    blockReceived: (_s, i, begin, data) => log.push(`block ${i}:${begin}+${data.byteLength}`),
    requestRejected: (_s, r) => log.push(`rejected ${r.index}:${r.begin}`),
    chokeChanged: (s) => log.push(s.peerChoking ? 'choked' : 'unchoked'),
    interestChanged: (s) => log.push(s.peerInterested ? 'interested' : 'not interested'),
    uploaded: () => undefined,
    closed: (_s, error) => {
      closedWith = error;
      log.push(`closed ${error.reason}`);
    },
  };
  return { log, events, closed: () => closedWith };
}

function session(channel: Channel, localPeerId: Uint8Array, events: SessionEvents, extra: Partial<SessionOptions> = {}) {
  return new PeerSession(channel, {
    swarmId: SWARM,
    localPeerId,
    events,
    readBlock: async (r) => new Uint8Array(r.length).fill(r.index),
    isValidRequest: (r) => r.index < 4 && r.length === BLOCK_BYTES,
    now: () => 0,
    ...extra,
  });
}

/** A raw remote end: we speak wire messages to the session by hand. */
function rawRemote(channel: Channel) {
  const received: WireMessage[] = [];
  channel.onMessage = (frame) => received.push(decodeMessage(frame, { pieceCount: 4 }));
  return {
    received,
    send: (m: WireMessage) => channel.send(encodeMessage(m)),
    sendRaw: (bytes: Uint8Array) => channel.send(bytes),
    /** Introduces the remote as peer ID_B of the test swarm. */
    handshake: () => channel.send(encodeMessage({ type: 'handshake', version: PROTOCOL_VERSION, swarmId: SWARM, peerId: ID_B })),
  };
}

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('PeerSession', () => {
  it('handshakes, then decodes a bitfield that arrived before the manifest was known', async () => {
    const [a, b] = memoryChannelPair();
    const rec = recorder();
    const s = session(a, ID_A, rec.events);
    const remote = rawRemote(b);
    remote.handshake();
    remote.send({ type: 'bitfield', bits: new Uint8Array([0b1010_0000]) });
    remote.send({ type: 'have', index: 3 });
    await flush();
    expect(rec.log).toEqual(['handshaked', 'pieces before manifest']);
    s.setPieceCount(4);
    expect(rec.log).toEqual(['handshaked', 'pieces before manifest', 'pieces 2', 'have 3']);
    expect(s.remotePeerId).toBe('02'.repeat(16));
    expect(remote.received[0].type).toBe('handshake');
  });

  it('tells of a seed, a holder, or a peer that has the manifest but no piece, before the manifest', async () => {
    for (const [announcement, expected, isSeed] of [
      [{ type: 'have-all' }, ['handshaked', 'pieces before manifest'], true],
      [{ type: 'bitfield', bits: new Uint8Array([0b0100_0000]) }, ['handshaked', 'pieces before manifest'], false],
      [{ type: 'bitfield', bits: new Uint8Array([0]) }, ['handshaked', 'holder before manifest'], false],
    ] as const) {
      const [a, b] = memoryChannelPair();
      const rec = recorder();
      const s = session(a, ID_A, rec.events);
      const remote = rawRemote(b);
      remote.handshake();
      await flush();
      expect(s.announced).toBe(false);
      remote.send(announcement as WireMessage);
      await flush();
      expect(rec.log).toEqual(expected);
      expect(s.announced).toBe(true);
      expect(s.isSeed).toBe(isSeed);
    }
  });

  it('closes on a handshake for another swarm, on itself, and on messages before the handshake', async () => {
    for (const [first, reason] of [
      [{ type: 'handshake', version: PROTOCOL_VERSION, swarmId: new Uint8Array(32), peerId: ID_B }, 'wrong-swarm'],
      [{ type: 'handshake', version: PROTOCOL_VERSION, swarmId: SWARM, peerId: ID_A }, 'self'],
      [{ type: 'have', index: 1 }, 'protocol-error'],
    ] as const) {
      const [a, b] = memoryChannelPair();
      const rec = recorder();
      session(a, ID_A, rec.events);
      rawRemote(b).send(first as WireMessage);
      await flush();
      expect(rec.closed()?.reason).toBe(reason);
    }
  });

  it('closes the connection on a malformed frame, with a protocol error', async () => {
    const [a, b] = memoryChannelPair();
    const rec = recorder();
    session(a, ID_A, rec.events);
    const remote = rawRemote(b);
    remote.handshake();
    remote.sendRaw(new Uint8Array([6, 1, 2])); // truncated request
    await flush();
    expect(rec.closed()?.reason).toBe('protocol-error');
    expect(b.closed).toBe(true);
  });

  it('serves valid requests, rejects what it does not have, and closes on invalid ones', async () => {
    const [a, b] = memoryChannelPair();
    const rec = recorder();
    const s = session(a, ID_A, rec.events, {
      readBlock: async (r) => (r.index === 2 ? null : new Uint8Array(r.length).fill(r.index)),
    });
    s.setPieceCount(4);
    const remote = rawRemote(b);
    remote.handshake();
    await flush();
    s.setChoking(false);
    remote.send({ type: 'request', index: 1, begin: 0, length: BLOCK_BYTES });
    remote.send({ type: 'request', index: 2, begin: 0, length: BLOCK_BYTES });
    await flush();
    const types = remote.received.map((m) => m.type);
    expect(types).toEqual(['handshake', 'unchoke', 'block', 'reject']);
    remote.send({ type: 'request', index: 9, begin: 0, length: BLOCK_BYTES });
    await flush();
    expect(rec.closed()?.reason).toBe('protocol-error');
  });

  it('stops uploading above the high-water mark and resumes on drain', async () => {
    let buffered = 0;
    let drain: (() => void) | null = null;
    const sent: Uint8Array[] = [];
    const channel: Channel = {
      send: (frame) => {
        sent.push(frame.slice()); // a channel copies what it is given
        buffered += frame.byteLength;
      },
      get bufferedAmount() { return buffered; },
      set onDrain(cb) { drain = cb; },
      get onDrain() { return drain; },
      onMessage: null,
      onClose: null,
      lowWaterMark: 0,
      closed: false,
      close: () => undefined,
    };
    const s = session(channel, ID_A, recorder().events, { highWaterMark: 3 * BLOCK_BYTES });
    s.setPieceCount(4);
    channel.onMessage!(encodeMessage({ type: 'handshake', version: PROTOCOL_VERSION, swarmId: SWARM, peerId: ID_B }));
    s.setChoking(false);
    for (let i = 0; i < 4; i++) channel.onMessage!(encodeMessage({ type: 'request', index: i, begin: 0, length: BLOCK_BYTES }));
    await flush();
    const blocks = () => sent.filter((f) => f[0] === 7).length;
    expect(blocks()).toBe(3);
    buffered = 0;
    drain!();
    await flush();
    expect(blocks()).toBe(4);
  });

  it('yields to the page after every 256 KiB it sends, then goes on', async () => {
    const [a, b] = memoryChannelPair();
    const remote = rawRemote(b);
    let sent = 0;
    const sentAtYield: number[] = [];
    const s = session(a, ID_A, { ...recorder().events, uploaded: () => sent++ }, {
      highWaterMark: Infinity,
      yieldToPage: async () => {
        sentAtYield.push(sent);
        await flush();
      },
    });
    s.setPieceCount(4);
    remote.handshake();
    await flush();
    s.setChoking(false);
    for (let i = 0; i < 5; i++) remote.send({ type: 'request', index: 0, begin: i * BLOCK_BYTES, length: BLOCK_BYTES });
    for (let i = 0; i < 10; i++) await flush();
    expect(sent).toBe(5);
    expect(sentAtYield).toEqual([2, 4]);
    expect(remote.received.filter((m) => m.type === 'block')).toHaveLength(5);
  });

  it('drops a cancelled request from the upload queue', async () => {
    const [a, b] = memoryChannelPair();
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const s = session(a, ID_A, recorder().events, {
      readBlock: async (r) => {
        await gate;
        return new Uint8Array(r.length);
      },
    });
    s.setPieceCount(4);
    s.setChoking(false);
    const remote = rawRemote(b);
    remote.handshake();
    remote.send({ type: 'request', index: 0, begin: 0, length: BLOCK_BYTES });
    remote.send({ type: 'request', index: 1, begin: 0, length: BLOCK_BYTES });
    remote.send({ type: 'cancel', index: 1, begin: 0, length: BLOCK_BYTES });
    await flush();
    release();
    await flush();
    await flush();
    const blocks = remote.received.filter((m) => m.type === 'block');
    expect(blocks.map((m) => (m.type === 'block' ? m.index : -1))).toEqual([0]);
  });

  it('reports requested and late well-formed blocks, and ignores malformed unrequested ones', async () => {
    const [a, b] = memoryChannelPair();
    const rec = recorder();
    const s = session(a, ID_A, rec.events);
    s.setPieceCount(4);
    const remote = rawRemote(b);
    remote.handshake();
    await flush();
    s.request([{ index: 1, begin: 0, length: BLOCK_BYTES }]);
    remote.send({ type: 'block', index: 2, begin: 0, data: new Uint8Array(BLOCK_BYTES - 1) });
    remote.send({ type: 'block', index: 3, begin: 0, data: new Uint8Array(BLOCK_BYTES) });
    remote.send({ type: 'block', index: 1, begin: 0, data: new Uint8Array(BLOCK_BYTES) });
    await flush();
    expect(rec.log.filter((l) => l.startsWith('block'))).toEqual([`block 3:0+${BLOCK_BYTES}`, `block 1:0+${BLOCK_BYTES}`]);
    expect(s.inflight.size).toBe(0);
  });

  it('on close, reports once and forgets requests in flight', async () => {
    const [a, b] = memoryChannelPair();
    const rec = recorder();
    const s = session(a, ID_A, rec.events);
    rawRemote(b).handshake();
    await flush();
    s.request([{ index: 1, begin: 0, length: BLOCK_BYTES }]);
    b.close();
    await flush();
    s.close();
    expect(rec.log.filter((l) => l.startsWith('closed'))).toEqual(['closed remote']);
    expect(s.inflight.size).toBe(0);
  });

  it('rejects requests while choking, and settles our requests as rejected when the remote chokes us', async () => {
    const [a, b] = memoryChannelPair();
    const rec = recorder();
    const s = session(a, ID_A, rec.events);
    s.setPieceCount(4);
    const remote = rawRemote(b);
    remote.handshake();
    remote.send({ type: 'request', index: 1, begin: 0, length: BLOCK_BYTES });
    remote.send({ type: 'unchoke' });
    await flush();
    expect(remote.received.map((m) => m.type)).toEqual(['handshake', 'reject']);
    expect(s.peerChoking).toBe(false);
    s.request([{ index: 2, begin: 0, length: BLOCK_BYTES }]);
    remote.send({ type: 'choke' });
    await flush();
    expect(rec.log).toContain('rejected 2:0');
    expect(s.inflight.size).toBe(0);
    expect(rec.log.filter((l) => l === 'choked' || l === 'unchoked')).toEqual(['unchoked', 'choked']);
  });

  it('while choking, serves requests for a piece it offered and rejects the rest; reports offers it receives', async () => {
    const [a, b] = memoryChannelPair();
    const rec = recorder();
    const s = session(a, ID_A, rec.events, { servesWhileChoking: (r) => r.index === 1 });
    s.setPieceCount(4);
    const remote = rawRemote(b);
    remote.handshake();
    remote.send({ type: 'request', index: 1, begin: 0, length: BLOCK_BYTES });
    remote.send({ type: 'request', index: 2, begin: 0, length: BLOCK_BYTES });
    remote.send({ type: 'allowed-fast', index: 3 });
    await flush();
    const answers = remote.received.filter((m) => m.type === 'block' || m.type === 'reject');
    expect(answers.map((m) => `${m.type} ${'index' in m ? m.index : ''}`).sort()).toEqual(['block 1', 'reject 2']);
    expect(rec.log).toContain('offered 3');
    s.offerPiece(0);
    await flush();
    expect(remote.received.at(-1)).toEqual({ type: 'allowed-fast', index: 0 });
  });

  it('asks for consecutive blocks of a piece in one request, up to MAX_REQUEST_BYTES', async () => {
    const [a, b] = memoryChannelPair();
    const s = session(a, ID_A, recorder().events);
    const remote = rawRemote(b);
    remote.handshake();
    await flush();
    const blocksOf = (index: number, from: number, count: number) =>
      Array.from({ length: count }, (_, i) => ({ index, begin: (from + i) * BLOCK_BYTES, length: BLOCK_BYTES }));
    const perRun = MAX_REQUEST_BYTES / BLOCK_BYTES;
    // Piece 1 blocks 0-2, then a gap, block 4; piece 2 in a run one block too long for a message.
    s.request([...blocksOf(1, 0, 3), ...blocksOf(1, 4, 1), ...blocksOf(2, 0, perRun + 1)]);
    await flush();
    expect(remote.received.filter((m) => m.type === 'request')).toEqual([
      { type: 'request', index: 1, begin: 0, length: 3 * BLOCK_BYTES },
      { type: 'request', index: 1, begin: 4 * BLOCK_BYTES, length: BLOCK_BYTES },
      { type: 'request', index: 2, begin: 0, length: MAX_REQUEST_BYTES },
      { type: 'request', index: 2, begin: MAX_REQUEST_BYTES, length: BLOCK_BYTES },
    ]);
    expect(s.inflight.size).toBe(4 + perRun + 1);
  });

  it('serves a run of blocks block by block, and closes on a run the manifest does not allow', async () => {
    const [a, b] = memoryChannelPair();
    const s = session(a, ID_A, recorder().events);
    s.setPieceCount(4);
    s.setChoking(false);
    const remote = rawRemote(b);
    remote.handshake();
    remote.send({ type: 'request', index: 2, begin: BLOCK_BYTES, length: 3 * BLOCK_BYTES });
    await flush();
    const blocks = remote.received.filter((m) => m.type === 'block');
    expect(blocks.map((m) => m.type === 'block' && `${m.index}:${m.begin}+${m.data.byteLength}`)).toEqual([
      `2:${BLOCK_BYTES}+${BLOCK_BYTES}`,
      `2:${2 * BLOCK_BYTES}+${BLOCK_BYTES}`,
      `2:${3 * BLOCK_BYTES}+${BLOCK_BYTES}`,
    ]);
    // The test manifest allows only full blocks: a run ending in a short one is a protocol error.
    remote.send({ type: 'request', index: 2, begin: 0, length: BLOCK_BYTES + 1 });
    await flush();
    expect(s.state).toBe('closed');
  });

  it('rejects the blocks of a run that do not fit the upload queue', async () => {
    const [a, b] = memoryChannelPair();
    const s = session(a, ID_A, recorder().events, { maxQueuedUploads: 2, highWaterMark: 0 });
    s.setPieceCount(4);
    s.setChoking(false);
    const remote = rawRemote(b);
    remote.handshake();
    remote.send({ type: 'request', index: 1, begin: 0, length: 4 * BLOCK_BYTES });
    await flush();
    expect(remote.received.filter((m) => m.type === 'reject').map((m) => m.type === 'reject' && m.begin)).toEqual([
      2 * BLOCK_BYTES,
      3 * BLOCK_BYTES,
    ]);
  });

  it('sends interested and choke state changes once each', async () => {
    const [a, b] = memoryChannelPair();
    const s = session(a, ID_A, recorder().events);
    const remote = rawRemote(b);
    remote.handshake();
    await flush();
    s.setInterested(true);
    s.setInterested(true);
    s.setChoking(false);
    s.setChoking(false);
    s.setChoking(true);
    await flush();
    expect(remote.received.map((m) => m.type)).toEqual(['handshake', 'interested', 'unchoke', 'choke']);
  });
});
