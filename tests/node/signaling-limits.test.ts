import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, type Limits } from '../../signaling/limits.ts';
import { createSignalingServer, type SignalingServer, type SignalingServerOptions } from '../../signaling/server.ts';
import { TestClient } from './signaling-harness.ts';

const ROOMS = ['room_aaaaaaaaaaaaaaaa', 'room_bbbbbbbbbbbbbbbb', 'room_cccccccccccccccc'];
const peer = (n: number) => n.toString(16).padStart(32, '0');
const LEAVE = { v: 1, type: 'leave', room: 'room_never_joined_0' };

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A server on a frozen clock, so token buckets never refill during a test. */
async function start(limits: Partial<Limits>, extra: SignalingServerOptions = {}): Promise<SignalingServer> {
  const server = await createSignalingServer({ limits, now: () => 1_000_000, ...extra });
  cleanups.push(() => server.close());
  return server;
}

async function connect(server: SignalingServer, ip?: string, origin?: string): Promise<TestClient> {
  const headers: Record<string, string> = {};
  if (ip) headers['x-forwarded-for'] = `203.0.113.99, ${ip}`;
  const client = await TestClient.connect(server.url, { headers, ...(origin ? { origin } : {}) });
  cleanups.push(() => client.socket.terminate());
  return client;
}

async function welcomed(server: SignalingServer, ip?: string, origin?: string): Promise<TestClient> {
  const client = await connect(server, ip, origin);
  expect(await client.next()).toMatchObject({ type: 'welcome' });
  return client;
}

/** Sends `count` leaves for a room never joined: each costs a message token and answers not-in-room. */
async function spend(client: TestClient, count: number): Promise<void> {
  for (let i = 0; i < count; i++) client.sendJson(LEAVE);
  for (let i = 0; i < count; i++) expect(await client.next()).toMatchObject({ code: 'not-in-room' });
}

describe('limits: each one hit gives its documented error and spares other clients', () => {
  it('has a default for every limit', () => {
    for (const value of Object.values(DEFAULT_LIMITS)) expect(value).toBeGreaterThan(0);
  });

  it('maxMessageBytes: closes the socket with 1009', async () => {
    const server = await start({ maxMessageBytes: 2048 });
    const bad = await welcomed(server);
    const good = await welcomed(server);
    bad.sendJson({ v: 1, type: 'join', room: ROOMS[0], peerId: peer(1), pad: 'x'.repeat(2100) });
    expect(await bad.closed).toBe(1009);
    expect(await good.join(ROOMS[0] as string, peer(2))).toMatchObject({ type: 'peers', peers: [] });
  });

  it('maxRoomsPerSocket: too-many-rooms', async () => {
    const server = await start({ maxRoomsPerSocket: 2 });
    const bad = await welcomed(server);
    const good = await welcomed(server);
    await bad.join(ROOMS[0] as string, peer(1));
    await bad.join(ROOMS[1] as string, peer(1));
    expect(await bad.join(ROOMS[2] as string, peer(1))).toMatchObject({ type: 'error', code: 'too-many-rooms', ref: 'join' });
    expect(await good.join(ROOMS[2] as string, peer(2))).toMatchObject({ type: 'peers', peers: [] });
    expect(server.metrics.rejectedCount('too-many-rooms')).toBe(1);
  });

  it('maxPeersListed: a bigger room yields a random subset, different for different draws', async () => {
    let draws = 0;
    // A random source that differs per join, so two newcomers see different subsets.
    const server = await start({ maxPeersListed: 3 }, { random: () => (draws++ * 0.37) % 1 });
    for (let i = 1; i <= 8; i++) await (await welcomed(server)).join(ROOMS[0] as string, peer(i));
    const seen = new Set<string>();
    for (let i = 9; i <= 11; i++) {
      const reply = await (await welcomed(server)).join(ROOMS[0] as string, peer(i));
      expect(reply.type === 'peers' && reply.peers.length).toBe(3);
      if (reply.type === 'peers') seen.add([...reply.peers].sort().join());
    }
    expect(seen.size).toBeGreaterThan(1);
  });

  it('socketMessages: rate-limited for the flooding socket only', async () => {
    const server = await start({ socketMessagesBurst: 3 });
    const bad = await welcomed(server);
    const good = await welcomed(server);
    await spend(bad, 3);
    bad.sendJson(LEAVE);
    expect(await bad.next()).toMatchObject({ type: 'error', code: 'rate-limited' });
    await spend(good, 3);
    expect(server.metrics.rejectedCount('rate-limited')).toBe(1);
  });

  it('socketJoins: rate-limited with ref join, while other messages still pass', async () => {
    const server = await start({ socketJoinsBurst: 2 });
    const bad = await welcomed(server);
    const good = await welcomed(server);
    await bad.join(ROOMS[0] as string, peer(1));
    await bad.join(ROOMS[1] as string, peer(1));
    expect(await bad.join(ROOMS[2] as string, peer(1))).toMatchObject({ type: 'error', code: 'rate-limited', ref: 'join' });
    await spend(bad, 1);
    expect(await good.join(ROOMS[2] as string, peer(2))).toMatchObject({ type: 'peers', peers: [] });
  });

  it('ipMessages: shared by every socket of one address, not by other addresses', async () => {
    const server = await start({ ipMessagesBurst: 4 }, { trustProxy: true });
    const a1 = await welcomed(server, '198.51.100.1');
    const a2 = await welcomed(server, '198.51.100.1');
    const b = await welcomed(server, '198.51.100.2');
    await spend(a1, 2);
    await spend(a2, 2);
    a1.sendJson(LEAVE);
    expect(await a1.next()).toMatchObject({ type: 'error', code: 'rate-limited' });
    await spend(b, 4);
  });

  it('ipJoins: shared by every socket of one address', async () => {
    const server = await start({ ipJoinsBurst: 2 }, { trustProxy: true });
    const a1 = await welcomed(server, '198.51.100.1');
    const a2 = await welcomed(server, '198.51.100.1');
    const b = await welcomed(server, '198.51.100.2');
    await a1.join(ROOMS[0] as string, peer(1));
    await a2.join(ROOMS[0] as string, peer(2));
    await a1.next(); // peer-joined
    expect(await a2.join(ROOMS[1] as string, peer(2))).toMatchObject({ type: 'error', code: 'rate-limited', ref: 'join' });
    expect(await b.join(ROOMS[1] as string, peer(3))).toMatchObject({ type: 'peers', peers: [] });
  });

  it('maxSocketsPerIp: too-many-sockets, close 1008, and a freed slot can be reused', async () => {
    const server = await start({ maxSocketsPerIp: 2 }, { trustProxy: true });
    const a1 = await welcomed(server, '198.51.100.1');
    await welcomed(server, '198.51.100.1');
    const refused = await connect(server, '198.51.100.1');
    expect(await refused.next()).toMatchObject({ type: 'error', code: 'too-many-sockets' });
    expect(await refused.closed).toBe(1008);
    await welcomed(server, '198.51.100.2');
    a1.close();
    await a1.closed;
    await waitFor(async () => {
      const again = await connect(server, '198.51.100.1');
      return (await again.next()).type === 'welcome';
    });
  });

  it('never trusts X-Forwarded-For unless told to', async () => {
    const server = await start({ maxSocketsPerIp: 1 });
    await welcomed(server, '198.51.100.1');
    // A different claimed address does not help: both come from 127.0.0.1.
    const refused = await connect(server, '198.51.100.2');
    expect(await refused.next()).toMatchObject({ type: 'error', code: 'too-many-sockets' });
  });

  it('idleTimeoutMs: a socket that stops answering pings is cut off and its room told', async () => {
    const server = await start({ idleTimeoutMs: 100 }, { now: Date.now });
    const watcher = await welcomed(server);
    const silent = await welcomed(server);
    await watcher.join(ROOMS[0] as string, peer(1));
    await silent.join(ROOMS[0] as string, peer(2));
    await watcher.next(); // peer-joined
    (silent.socket as unknown as { _socket: { pause(): void } })._socket.pause();
    expect(await watcher.next(3000)).toEqual({ v: 1, type: 'peer-left', room: ROOMS[0], peerId: peer(2) });
    expect(server.metrics.rejectedCount('idle-timeout')).toBe(1);
  });

  it('allowedOrigins: origin-not-allowed and close 1008 for other origins and for none', async () => {
    const server = await start({}, { allowedOrigins: ['https://shoal.example'] });
    for (const origin of ['https://evil.example', undefined]) {
      const refused = await connect(server, undefined, origin);
      expect(await refused.next()).toMatchObject({ type: 'error', code: 'origin-not-allowed' });
      expect(await refused.closed).toBe(1008);
    }
    const allowed = await welcomed(server, undefined, 'https://shoal.example');
    expect(await allowed.join(ROOMS[0] as string, peer(1))).toMatchObject({ type: 'peers' });
    expect(server.metrics.rejectedCount('origin-not-allowed')).toBe(2);
  });

  it('relays only between two sockets in the same room', async () => {
    const server = await start({});
    const a = await welcomed(server);
    const b = await welcomed(server);
    await a.join(ROOMS[0] as string, peer(1));
    await b.join(ROOMS[1] as string, peer(2));
    a.sendJson({ v: 1, type: 'signal', room: ROOMS[0], to: peer(2), data: { type: 'offer' } });
    expect(await a.next()).toMatchObject({ type: 'error', code: 'unknown-peer' });
    a.sendJson({ v: 1, type: 'signal', room: ROOMS[1], to: peer(2), data: { type: 'offer' } });
    expect(await a.next()).toMatchObject({ type: 'error', code: 'not-in-room' });
    await b.expectSilence();
  });
});

async function waitFor(check: () => Promise<boolean>, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}
