import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { SignalingClient } from '../../src/swarm/signaling-client.ts';
import type { PeerId, RoomId } from '../../src/swarm/signaling-protocol.ts';
import type { SignalData } from '../../src/swarm/transport.ts';
import { TestClient } from './signaling-harness.ts';

const ROOM = 'room_redis_0123456789';
const PEER_A = 'a'.repeat(32);
const PEER_B = 'b'.repeat(32);
const PEER_C = 'c'.repeat(32);
const MAIN = new URL('../../signaling/main.ts', import.meta.url).pathname;

/** Redis needs a fixed port: take a free one from the kernel, then hand it over. */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** Resolves with the first stdout line `match` accepts; rejects if the process exits first. */
function waitForLine<T>(child: ChildProcess, match: (line: string) => T | undefined, what: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const onExit = (code: number | null) => reject(new Error(`${what} exited (${code}) before it was ready: ${stderr}`));
    child.once('exit', onExit);
    lines.on('line', (line) => {
      const found = match(line);
      if (found === undefined) return;
      child.off('exit', onExit);
      lines.removeAllListeners('line');
      resolve(found);
    });
  });
}

async function startRedis(port?: number): Promise<{ url: string; process: ChildProcess }> {
  if (spawnSync('redis-server', ['--version']).error) {
    throw new Error('redis-server is not installed; these tests need a real one (apt-get install redis-server; .ci/run does)');
  }
  port ??= await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no']);
  await waitForLine(child, (line) => (line.includes('Ready to accept connections') ? true : undefined), 'redis-server');
  return { url: `redis://127.0.0.1:${port}`, process: child };
}

interface Instance {
  url: string;
  process: ChildProcess;
}

/** One signaling instance as its own process, exactly as `npm run signaling -- --redis URL` runs it. */
async function startInstance(redisUrl: string): Promise<Instance> {
  const child = spawn(process.execPath, [
    '--import',
    'tsx',
    MAIN,
    '--no-site',
    '--host',
    '127.0.0.1',
    '--port',
    '0',
    '--redis',
    redisUrl,
    '--redis-liveness-ms',
    '600',
  ]);
  const url = await waitForLine(
    child,
    (line) => {
      if (!line.startsWith('{')) return undefined;
      const parsed = JSON.parse(line) as { msg?: string; url?: string };
      return parsed.msg === 'listening' ? parsed.url : undefined;
    },
    'signaling instance',
  );
  return { url: url as string, process: child };
}

function stop(child: ChildProcess, signal: NodeJS.Signals = 'SIGKILL'): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.kill(signal);
  });
}

let redis: { url: string; process: ChildProcess };
const instances: Instance[] = [];
const cleanups: (() => unknown)[] = [];

beforeAll(async () => {
  redis = await startRedis();
  instances.push(await startInstance(redis.url), await startInstance(redis.url));
}, 30_000);
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});
afterAll(async () => {
  for (const instance of instances) await stop(instance.process);
  if (redis) await stop(redis.process);
});

function signalArrived(client: SignalingClient): Promise<[RoomId, PeerId, SignalData]> {
  return new Promise((resolve) => {
    const dispose = client.onSignal((...args) => {
      dispose();
      resolve(args);
    });
  });
}

describe('two instances sharing rooms through a real Redis', () => {
  it('lets peers on different instances find each other and exchange signals', async () => {
    const [one, two] = instances as [Instance, Instance];
    const a = await TestClient.connect(one.url);
    const b = await TestClient.connect(two.url);
    cleanups.push(() => a.socket.terminate(), () => b.socket.terminate());
    await a.next();
    await b.next();
    expect(await a.join(ROOM, PEER_A)).toEqual({ v: 1, type: 'peers', room: ROOM, peers: [] });
    expect(await b.join(ROOM, PEER_B)).toEqual({ v: 1, type: 'peers', room: ROOM, peers: [PEER_A] });
    expect(await a.next()).toEqual({ v: 1, type: 'peer-joined', room: ROOM, peerId: PEER_B });
    b.sendJson({ v: 1, type: 'signal', room: ROOM, to: PEER_A, data: { type: 'offer', sdp: 'o' } });
    expect(await a.next()).toEqual({ v: 1, type: 'signal', room: ROOM, from: PEER_B, data: { type: 'offer', sdp: 'o' } });
    a.sendJson({ v: 1, type: 'signal', room: ROOM, to: PEER_B, data: { type: 'answer', sdp: 'a' } });
    expect(await b.next()).toEqual({ v: 1, type: 'signal', room: ROOM, from: PEER_A, data: { type: 'answer', sdp: 'a' } });
    // The same peer id is taken across instances too.
    const c = await TestClient.connect(two.url);
    cleanups.push(() => c.socket.terminate());
    await c.next();
    expect(await c.join(ROOM, PEER_A)).toMatchObject({ type: 'error', code: 'peer-id-taken' });
    a.close();
    expect(await b.next()).toEqual({ v: 1, type: 'peer-left', room: ROOM, peerId: PEER_A });
  });

  it('when one instance is killed, its clients reconnect to the other and signal again', async () => {
    const [one, two] = instances as [Instance, Instance];
    const make = (peerId: string, url: string[]) => {
      const client = new SignalingClient({ url, peerId, WebSocketImpl: WebSocket, random: Math.random, minBackoffMs: 50, maxBackoffMs: 300 });
      cleanups.push(() => client.close());
      return client;
    };
    const b = make(PEER_B, [two.url]);
    b.join(ROOM);
    await new Promise<void>((resolve) => b.onPeers(() => resolve()));
    const a = make(PEER_A, [one.url, two.url]);
    const firstPeers = new Promise<PeerId[]>((resolve) => a.onPeers((_room, peers) => resolve(peers)));
    a.join(ROOM);
    expect(await firstPeers).toEqual([PEER_B]);

    // A peer on the doomed instance that never comes back.
    const gone = await TestClient.connect(one.url);
    cleanups.push(() => gone.socket.terminate());
    await gone.next();
    await gone.join(ROOM, PEER_C);

    const rejoined = new Promise<PeerId[]>((resolve) => a.onPeers((_room, peers) => resolve(peers)));
    await stop(one.process, 'SIGKILL');
    // The dead instance's claim on PEER_A expires with its liveness key; the client retries until then.
    // PEER_C, left behind by the dead instance, is not listed any more.
    expect(await rejoined).toEqual([PEER_B]);
    const newcomer = await TestClient.connect(two.url);
    cleanups.push(() => newcomer.socket.terminate());
    await newcomer.next();
    const listed = await newcomer.join(ROOM, 'd'.repeat(32));
    expect(listed.type === 'peers' && [...listed.peers].sort()).toEqual([PEER_A, PEER_B]);
    const atB = signalArrived(b);
    expect(a.signal(ROOM, PEER_B, { type: 'offer', sdp: 'after failover' })).toBe(true);
    expect(await atB).toEqual([ROOM, PEER_A, { type: 'offer', sdp: 'after failover' }]);
  }, 20_000);

  it('shuts down on SIGTERM within the bound and exits 0', async () => {
    const two = instances[1] as Instance;
    const client = await TestClient.connect(two.url);
    await client.next();
    const exit = stop(two.process, 'SIGTERM');
    expect(await client.next()).toMatchObject({ type: 'reconnect' });
    expect(await client.closed).toBe(1012);
    expect(await exit).toBe(0);
  });
});

describe('while Redis is down', () => {
  it('a join is refused as unavailable at once, and works again (members re-announced) when Redis is back', async () => {
    let store = await startRedis();
    const port = Number(new URL(store.url).port);
    const instance = await startInstance(store.url);
    cleanups.push(() => stop(instance.process), () => stop(store.process));
    const early = await TestClient.connect(instance.url);
    cleanups.push(() => early.socket.terminate());
    await early.next();
    expect(await early.join(ROOM, PEER_A)).toMatchObject({ type: 'peers', peers: [] });

    await stop(store.process);
    const client = await TestClient.connect(instance.url);
    cleanups.push(() => client.socket.terminate());
    await client.next();
    const started = Date.now();
    expect(await client.join(ROOM, PEER_B)).toMatchObject({ type: 'error', code: 'unavailable' });
    expect(Date.now() - started).toBeLessThan(2_000);

    // Back, empty: the instance claims its members again, so a newcomer still finds PEER_A.
    store = await startRedis(port);
    const deadline = Date.now() + 20_000;
    let reply = await client.join(ROOM, PEER_B);
    while (reply.type === 'error' && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      reply = await client.join(ROOM, PEER_B);
    }
    expect(reply).toEqual({ v: 1, type: 'peers', room: ROOM, peers: [PEER_A] });
  }, 40_000);
});
