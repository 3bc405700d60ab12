import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { createSignalingServer, type SignalingServer } from '../../signaling/server.ts';
import {
  SignalingClient,
  SignalingServerError,
  type EarlySocket,
  type WebSocketConstructorLike,
  type SignalingClientOptions,
  type SignalingStatus,
} from '../../src/swarm/signaling-client.ts';
import { SignalingProtocolError } from '../../src/swarm/signaling-protocol.ts';

const ROOM = 'swarm_0123456789abcdefABCDEF';
const PEER_A = '0a'.repeat(16);
const PEER_B = '0b'.repeat(16);

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function startServer(port = 0): Promise<SignalingServer> {
  const server = await createSignalingServer({ port, iceServers: [{ urls: 'stun:127.0.0.1:9' }], reconnectWithinMs: 100 });
  cleanups.push(() => server.close());
  return server;
}

function client(url: string, peerId: string, extra: Partial<SignalingClientOptions> = {}): SignalingClient {
  const c = new SignalingClient({ url, peerId, WebSocketImpl: WebSocket, random: () => 0.5, minBackoffMs: 50, maxBackoffMs: 200, ...extra });
  cleanups.push(() => c.close());
  return c;
}

/** Resolves with the arguments of the next event a subscription delivers. */
function next<A extends unknown[]>(subscribe: (cb: (...args: A) => void) => () => void, timeoutMs = 3000): Promise<A> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      dispose();
      reject(new Error('event did not arrive'));
    }, timeoutMs);
    const dispose = subscribe((...args) => {
      clearTimeout(timer);
      dispose();
      resolve(args);
    });
  });
}

function statusReached(c: SignalingClient, status: SignalingStatus): Promise<unknown> {
  if (c.status === status) return Promise.resolve();
  return new Promise((resolve) => {
    const dispose = c.onStatus((s) => {
      if (s !== status) return;
      dispose();
      resolve(undefined);
    });
  });
}

describe('SignalingClient against the real server', () => {
  it('receives the ICE servers, finds another client and exchanges signals', async () => {
    const server = await startServer();
    const a = client(server.url, PEER_A);
    expect(await next(a.onWelcome.bind(a))).toEqual([[{ urls: 'stun:127.0.0.1:9' }]]);
    expect(a.iceServers).toEqual([{ urls: 'stun:127.0.0.1:9' }]);
    a.join(ROOM);
    expect(await next(a.onPeers.bind(a))).toEqual([ROOM, []]);

    const b = client(server.url, PEER_B);
    const joined = next(a.onPeerJoined.bind(a));
    b.join(ROOM);
    expect(await next(b.onPeers.bind(b))).toEqual([ROOM, [PEER_A]]);
    expect(await joined).toEqual([ROOM, PEER_B]);

    const atB = next(b.onSignal.bind(b));
    expect(a.signal(ROOM, PEER_B, { type: 'offer', sdp: 'o' })).toBe(true);
    expect(await atB).toEqual([ROOM, PEER_A, { type: 'offer', sdp: 'o' }]);
    const atA = next(a.onSignal.bind(a));
    b.signal(ROOM, PEER_A, { type: 'answer', sdp: 'a' });
    expect(await atA).toEqual([ROOM, PEER_B, { type: 'answer', sdp: 'a' }]);

    const left = next(a.onPeerLeft.bind(a));
    b.leave(ROOM);
    expect(await left).toEqual([ROOM, PEER_B]);
  });

  it('reconnects after the server restarts on the same port and rejoins its rooms', async () => {
    const first = await startServer();
    const a = client(first.url, PEER_A);
    const b = client(first.url, PEER_B);
    a.join(ROOM);
    await next(a.onPeers.bind(a));
    b.join(ROOM);
    await next(b.onPeers.bind(b));

    const statuses: SignalingStatus[] = [];
    a.onStatus((s) => statuses.push(s));
    const down = statusReached(a, 'down');
    await first.close();
    await down;
    expect(a.signal(ROOM, PEER_B, { type: 'offer' })).toBe(false);
    expect(a.droppedSignals).toBe(1);

    const second = await startServer(first.port);
    // Both rejoin by themselves; whoever comes second sees the other.
    const [peersA, peersB] = await Promise.all([next(a.onPeers.bind(a)), next(b.onPeers.bind(b))]);
    expect([...peersA[1], ...peersB[1]]).toEqual([peersA[1].length > 0 ? PEER_B : PEER_A]);
    expect(statuses).toContain('connecting');
    expect(a.status).toBe('open');

    const atB = next(b.onSignal.bind(b));
    a.signal(ROOM, PEER_B, { type: 'offer', sdp: 'again' });
    expect(await atB).toEqual([ROOM, PEER_A, { type: 'offer', sdp: 'again' }]);
    expect(second.port).toBe(first.port);
  });

  it('reconnects at once when asked to (back online), without waiting out its backoff', async () => {
    // Nobody listens yet, so the first attempt fails and a (long) backoff starts.
    const port = await freePort();
    const a = client(`ws://127.0.0.1:${port}/signal`, PEER_A, { minBackoffMs: 60_000, maxBackoffMs: 60_000 });
    a.join(ROOM);
    await statusReached(a, 'down');
    await startServer(port);
    const joined = next(a.onPeers.bind(a), 2000);
    a.retryNow();
    await joined;
    expect(a.status).toBe('open');
  });

  it('remembers rooms joined while down and joins them once connected', async () => {
    const port = await freePort();
    const a = client(`ws://127.0.0.1:${port}/signal`, PEER_A);
    a.join(ROOM);
    await statusReached(a, 'down');
    await startServer(port);
    expect(await next(a.onPeers.bind(a))).toEqual([ROOM, []]);
  });

  it('retries a join refused because a stale socket still holds its peer id', async () => {
    const server = await startServer();
    const stale = new WebSocket(server.url);
    await new Promise((resolve) => stale.once('open', resolve));
    stale.send(JSON.stringify({ v: 1, type: 'join', room: ROOM, peerId: PEER_A }));
    await new Promise((resolve) => stale.on('message', (m) => String(m).includes('"peers"') && resolve(undefined)));

    const a = client(server.url, PEER_A);
    a.join(ROOM);
    const [error] = await next(a.onError.bind(a));
    expect(error).toBeInstanceOf(SignalingServerError);
    expect(error.code).toBe('peer-id-taken');
    stale.close();
    expect(await next(a.onPeers.bind(a))).toEqual([ROOM, []]);
  });

  it('reports a server error for a signal to an unknown peer', async () => {
    const server = await startServer();
    const a = client(server.url, PEER_A);
    a.join(ROOM);
    await next(a.onPeers.bind(a));
    a.signal(ROOM, PEER_B, { type: 'offer' });
    const [error] = await next(a.onError.bind(a));
    expect(error).toMatchObject({ code: 'unknown-peer', ref: 'signal' });
  });

  it('drops a signal for a room it is not in', async () => {
    const server = await startServer();
    const a = client(server.url, PEER_A);
    await statusReached(a, 'open');
    expect(a.signal(ROOM, PEER_B, { type: 'offer' })).toBe(false);
    expect(a.droppedSignals).toBe(1);
  });

  it('rejects bad room and peer ids up front', () => {
    expect(() => new SignalingClient({ url: 'ws://127.0.0.1:9/signal', peerId: 'NOT-HEX', WebSocketImpl: WebSocket, random: Math.random })).toThrow(
      SignalingProtocolError,
    );
    const a = client('ws://127.0.0.1:9/signal', PEER_A);
    expect(() => a.join('short')).toThrow(SignalingProtocolError);
  });
});

describe('SignalingClient taking over a socket the page opened early', () => {
  /** What index.html's first script does: open the socket and keep what arrives until the app takes it. */
  function earlySocket(url: string): EarlySocket {
    const early: EarlySocket = { url, socket: new WebSocket(url), received: [] };
    early.socket.onmessage = (event) => early.received.push(event.data);
    return early;
  }

  /** A WebSocket class that counts the sockets the client opens itself. */
  function countingSockets(): { WebSocketImpl: WebSocketConstructorLike; opened: () => number } {
    let opened = 0;
    class Counting extends WebSocket {
      constructor(url: string) {
        super(url);
        opened++;
      }
    }
    return { WebSocketImpl: Counting, opened: () => opened };
  }

  it('uses an early socket that already opened, with the welcome it received meanwhile', async () => {
    const server = await startServer();
    const early = earlySocket(server.url);
    await expect.poll(() => early.received.length).toBe(1);
    const sockets = countingSockets();
    const a = client(server.url, PEER_A, { earlySocket: early, WebSocketImpl: sockets.WebSocketImpl });
    expect(a.status).toBe('open');
    expect(a.iceServers).toEqual([{ urls: 'stun:127.0.0.1:9' }]);
    a.join(ROOM);
    expect(await next(a.onPeers.bind(a))).toEqual([ROOM, []]);
    expect(sockets.opened()).toBe(0);
  });

  it('uses an early socket still opening', async () => {
    const server = await startServer();
    const sockets = countingSockets();
    const a = client(server.url, PEER_A, { earlySocket: earlySocket(server.url), WebSocketImpl: sockets.WebSocketImpl });
    a.join(ROOM);
    expect(await next(a.onPeers.bind(a))).toEqual([ROOM, []]);
    expect(a.iceServers).toEqual([{ urls: 'stun:127.0.0.1:9' }]);
    expect(sockets.opened()).toBe(0);
  });

  it('opens its own socket when the early one went to another server (and closes that one) or already closed', async () => {
    const server = await startServer();
    const other = await startServer();
    const elsewhere = earlySocket(other.url);
    const sockets = countingSockets();
    const a = client(server.url, PEER_A, { earlySocket: elsewhere, WebSocketImpl: sockets.WebSocketImpl });
    a.join(ROOM);
    expect(await next(a.onPeers.bind(a))).toEqual([ROOM, []]);
    expect(sockets.opened()).toBe(1);
    expect([WebSocket.CLOSING, WebSocket.CLOSED]).toContain(elsewhere.socket.readyState);

    const closed = earlySocket(server.url);
    await expect.poll(() => closed.received.length).toBe(1);
    closed.socket.close();
    await expect.poll(() => closed.socket.readyState).toBe(WebSocket.CLOSED);
    const b = client(server.url, PEER_B, { earlySocket: closed, WebSocketImpl: sockets.WebSocketImpl });
    b.join(ROOM);
    expect(await next(b.onPeers.bind(b))).toEqual([ROOM, [PEER_A]]);
    expect(sockets.opened()).toBe(2);
  });
});

describe('SignalingClient against a misbehaving server', () => {
  it('reports malformed and binary server messages and keeps going', async () => {
    const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    cleanups.push(() => new Promise((resolve) => wss.close(resolve)));
    await new Promise((resolve) => wss.once('listening', resolve));
    wss.on('connection', (socket) => {
      socket.send('{"v":1,"type":');
      socket.send(Buffer.from([1, 2, 3]));
      socket.send(JSON.stringify({ v: 1, type: 'peers', room: ROOM, peers: ['not-a-peer'] }));
      socket.send(JSON.stringify({ v: 1, type: 'welcome', iceServers: [] }));
    });
    const { port } = wss.address() as { port: number };
    const a = client(`ws://127.0.0.1:${port}/signal`, PEER_A);
    const errors: unknown[] = [];
    a.onError((e) => errors.push(e));
    await next(a.onWelcome.bind(a));
    expect(errors.map((e) => (e as SignalingProtocolError).code)).toEqual(['bad-json', 'bad-message', 'bad-message']);
    expect(errors.every((e) => e instanceof SignalingProtocolError)).toBe(true);
  });
});

describe('reconnect backoff', () => {
  it('grows exponentially from 0.5 s, jittered from the first retry on, up to 30 s', async () => {
    const port = await freePort();
    const delays: number[] = [];
    let pending: (() => void) | null = null;
    const c = new SignalingClient({
      url: `ws://127.0.0.1:${port}/signal`,
      peerId: PEER_A,
      WebSocketImpl: WebSocket,
      random: () => 1,
      setTimeout: (cb, ms) => {
        delays.push(ms);
        pending = cb;
        return delays.length;
      },
      clearTimeout: () => undefined,
    });
    cleanups.push(() => c.close());
    for (let i = 0; i < 9; i++) {
      await statusReached(c, 'down');
      const retry = pending as (() => void) | null;
      pending = null;
      retry?.();
    }
    expect(delays).toEqual([1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000, 30000]);
  });

  it('jitters within [0.5 s, ceiling]', async () => {
    const port = await freePort();
    const delays: number[] = [];
    const c = new SignalingClient({
      url: `ws://127.0.0.1:${port}/signal`,
      peerId: PEER_A,
      WebSocketImpl: WebSocket,
      random: () => 0,
      setTimeout: (_cb, ms) => delays.push(ms),
      clearTimeout: () => undefined,
    });
    cleanups.push(() => c.close());
    await statusReached(c, 'down');
    expect(delays).toEqual([500]);
  });
});

/** A port nothing listens on (taken and released at once). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}
