import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createSignalingServer, type SignalingServer } from '../../signaling/server.ts';
import { parseServerMessage, SignalingProtocolError } from '../../src/swarm/signaling-protocol.ts';
import { TestClient } from './signaling-harness.ts';

const FRAMES_PER_FUZZER = 1500;
const FUZZERS = 4;
const ROOM = 'room_fuzz_well_behaved';
const PEER_A = 'a'.repeat(32);
const PEER_B = 'b'.repeat(32);

/** mulberry32: a seeded generator, so a failure replays exactly. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Frame = string | Buffer;

function frameMaker(random: () => number): () => Frame {
  const int = (n: number) => Math.floor(random() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)] as T;
  const hex = (n: number) => Array.from({ length: n }, () => '0123456789abcdef'[int(16)]).join('');
  const junk = (): unknown =>
    pick([null, true, 0, -1, 1e308, 'x', '', [], {}, hex(40), { nested: { deeper: [1, 2] } }, 'é😀\u0000', Number.NaN]);
  const room = () => pick([`room_${hex(16)}`, ROOM, 'short', 42, null, 'r'.repeat(200), 'room/../../etc']);
  const peer = () => pick([hex(32), PEER_A, hex(31), 'A'.repeat(32), 7, undefined]);
  const kinds: (() => Frame)[] = [
    () => Buffer.from(Array.from({ length: int(200) }, () => int(256))), // binary frame
    () => Buffer.from(Array.from({ length: 1 + int(50) }, () => int(256))).toString('latin1'), // random text
    () => pick(['{', '{"v":1,', 'nul', '[1,2', '"unterminated', '{"v":1,"type":"join"}}', '']), // bad JSON
    () => JSON.stringify(junk()), // wrong top-level types
    () => JSON.stringify({ v: pick([0, 1, 2, '1', null]), type: pick(['join', 'leave', 'signal', 'welcome', 'x'.repeat(100), 5]) }),
    () => JSON.stringify({ v: 1, type: pick(['join', 'leave']), room: room(), peerId: peer() }),
    () => JSON.stringify({ v: 1, type: 'signal', room: room(), to: peer(), data: pick([junk(), { sdp: 'v=0' }, { s: 'x'.repeat(20_000) }]) }),
    () => JSON.stringify({ v: 1, type: pick(['shout', 'peers', 'error', '__proto__', 'constructor']), extra: junk() }),
    () => `{"v":1,"type":"join","__proto__":{"polluted":true},"room":"${ROOM}","peerId":"${hex(32)}"}`,
    () => `${'['.repeat(20_000)}${']'.repeat(20_000)}`, // deep nesting
    () => JSON.stringify({ v: 1, type: 'join', room: ROOM, peerId: hex(32), [hex(8)]: 'x'.repeat(int(3000)) }),
  ];
  // Over the frame limit: the socket is closed, so rarer than the rest or little else would get through.
  const oversized = () => 'x'.repeat(64 * 1024 + 1 + int(1000));
  return () => (random() < 0.02 ? oversized() : pick(kinds)());
}

interface FuzzOutcome {
  errors: number;
  unparseable: number;
  closeCodes: number[];
}

/** Sends frames from one socket, reconnecting whenever the server closes it. */
async function fuzz(url: string, seed: number): Promise<FuzzOutcome> {
  const make = frameMaker(seeded(seed));
  const outcome: FuzzOutcome = { errors: 0, unparseable: 0, closeCodes: [] };
  let sent = 0;
  while (sent < FRAMES_PER_FUZZER) {
    const socket = new WebSocket(url);
    socket.on('message', (data, isBinary) => {
      const msg = isBinary ? null : parseServerMessage(String(data));
      if (msg === null || msg instanceof SignalingProtocolError) outcome.unparseable++;
      else if (msg.type === 'error') outcome.errors++;
    });
    const closed = new Promise<void>((resolve) =>
      socket.on('close', (code) => {
        outcome.closeCodes.push(code);
        resolve();
      }),
    );
    socket.on('error', () => undefined); // every error is followed by close, counted above
    await new Promise((resolve) => socket.once('open', resolve));
    while (sent < FRAMES_PER_FUZZER && socket.readyState === WebSocket.OPEN) {
      socket.send(make());
      sent++;
      // Yield now and then so the server's replies (and closes) interleave with the flood.
      if (sent % 5 === 0) await new Promise((r) => setTimeout(r, 1));
    }
    if (socket.readyState === WebSocket.OPEN) {
      await new Promise((r) => setTimeout(r, 100));
      socket.close();
    }
    await closed;
  }
  return outcome;
}

function metric(text: string, name: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return Number(line?.split(' ')[1]);
}

let server: SignalingServer;
beforeAll(async () => {
  // Generous rate limits: the point here is the parser and the bookkeeping, not the buckets.
  server = await createSignalingServer({
    limits: { socketMessagesBurst: 1e6, ipMessagesBurst: 1e6, socketJoinsBurst: 1e6, ipJoinsBurst: 1e6, maxSocketsPerIp: 100 },
  });
});
afterAll(() => server.close());

describe('fuzzing the signaling server', () => {
  it('answers thousands of malformed frames with errors or closes, keeps relaying for others, and frees everything', async () => {
    const heapBefore = process.memoryUsage().heapUsed;
    const a = await TestClient.connect(server.url);
    const b = await TestClient.connect(server.url);
    await a.next();
    await b.next();
    await a.join(ROOM, PEER_A);
    await b.join(ROOM, PEER_B);
    expect(await a.next()).toMatchObject({ type: 'peer-joined', peerId: PEER_B });

    const fuzzing = Promise.all(Array.from({ length: FUZZERS }, (_, i) => fuzz(server.url, 1000 + i)));
    // Meanwhile, the well-behaved pair keeps signalling and loses nothing.
    let exchanged = 0;
    let done = false;
    void fuzzing.then(() => (done = true));
    while (!done || exchanged < 20) {
      a.sendJson({ v: 1, type: 'signal', room: ROOM, to: PEER_B, data: { n: exchanged } });
      let got = await b.next(5000);
      while (got.type !== 'signal') got = await b.next(5000); // peer-joined/left from fuzzers using the room
      expect(got).toMatchObject({ from: PEER_A, data: { n: exchanged } });
      exchanged++;
    }
    const outcomes = await fuzzing;

    for (const outcome of outcomes) {
      expect(outcome.unparseable).toBe(0); // everything the server says is well-formed protocol
      expect(outcome.errors).toBeGreaterThan(FRAMES_PER_FUZZER / 2);
      // 1000 our own close, 1007 invalid UTF-8, 1009 too big: nothing else.
      for (const code of outcome.closeCodes) expect([1000, 1005, 1007, 1009]).toContain(code);
      expect(outcome.closeCodes.some((c) => c === 1009)).toBe(true);
    }
    // Bounded: once the fuzzers are gone only the pair and its one room remain.
    await new Promise((r) => setTimeout(r, 200));
    const metrics = await (await fetch(`${server.httpUrl}metrics`)).text();
    expect(metric(metrics, 'shoal_signaling_sockets')).toBe(2);
    expect(metric(metrics, 'shoal_signaling_rooms')).toBe(1);
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(64 * 1024 * 1024);
    a.close();
    b.close();
  });
});
