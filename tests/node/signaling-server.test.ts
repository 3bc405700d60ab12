import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { TestClient } from './signaling-harness.ts';
import { ConfigError, DEFAULT_STATIC_DIR, parseConfig } from '../../signaling/config.ts';
import { DEFAULT_LIMITS } from '../../signaling/limits.ts';
import { createSignalingServer, type LogLine, type SignalingServer } from '../../signaling/server.ts';
import { MAX_FRAME_BYTES } from '../../src/swarm/signaling-protocol.ts';

const ROOM = 'room_0123456789abcdef';
const OTHER_ROOM = 'room_fedcba9876543210';
const PEER_A = 'a'.repeat(32);
const PEER_B = 'b'.repeat(32);
const PEER_C = 'c'.repeat(32);
const OFFER = { type: 'offer', sdp: 'v=0 secret-sdp-body' };

let server: SignalingServer;
let baseDir: string;
let siteDir: string;
const clients: TestClient[] = [];
const logs: LogLine[] = [];

async function connect(): Promise<TestClient> {
  const client = await TestClient.connect(server.url);
  clients.push(client);
  const welcome = await client.next();
  expect(welcome.type).toBe('welcome');
  return client;
}

beforeAll(async () => {
  // A secret next to the site: what every traversal attempt below is after.
  baseDir = await mkdtemp(join(tmpdir(), 'shoal-site-'));
  siteDir = join(baseDir, 'dist');
  await writeFile(join(baseDir, 'package.json'), '{"name":"secret"}');
  await mkdir(join(siteDir, 'assets'), { recursive: true });
  await writeFile(join(siteDir, 'index.html'), '<!doctype html><title>Shoal</title>');
  await writeFile(join(siteDir, 'sw.js'), 'self.addEventListener("fetch", () => {});');
  await writeFile(join(siteDir, 'assets', 'index-abc123.js'), 'console.log(1);');
  await writeFile(join(siteDir, 'assets', 'index-abc123.css'), 'body{}');
  await writeFile(join(siteDir, 'assets', 'hash.wasm'), new Uint8Array([0, 97, 115, 109]));
  await writeFile(join(siteDir, 'manifest.webmanifest'), '{}');
  await writeFile(join(siteDir, 'icon.svg'), '<svg/>');
  server = await createSignalingServer({
    port: 0,
    host: '127.0.0.1',
    staticDir: siteDir,
    iceServers: [{ urls: 'stun:127.0.0.1:3478' }, { urls: ['turn:127.0.0.1:3478'], username: 'u', credential: 'p' }],
    log: (line) => logs.push(line),
  });
});

afterEach(() => {
  for (const client of clients.splice(0)) client.close();
});

afterAll(async () => {
  await server.close();
  await rm(baseDir, { recursive: true, force: true });
});

describe('signaling relay', () => {
  it('welcomes a socket with the configured ICE servers', async () => {
    const client = await TestClient.connect(server.url);
    clients.push(client);
    expect(await client.next()).toEqual({
      v: 1,
      type: 'welcome',
      iceServers: [{ urls: 'stun:127.0.0.1:3478' }, { urls: ['turn:127.0.0.1:3478'], username: 'u', credential: 'p' }],
    });
  });

  it('lists the others in a room on join and tells them about the newcomer', async () => {
    const a = await connect();
    const b = await connect();
    expect(await a.join(ROOM, PEER_A)).toEqual({ v: 1, type: 'peers', room: ROOM, peers: [] });
    expect(await b.join(ROOM, PEER_B)).toEqual({ v: 1, type: 'peers', room: ROOM, peers: [PEER_A] });
    expect(await a.next()).toEqual({ v: 1, type: 'peer-joined', room: ROOM, peerId: PEER_B });
  });

  it('relays signals both ways without reading them, and never logs their bodies', async () => {
    const a = await connect();
    const b = await connect();
    await a.join(ROOM, PEER_A);
    await b.join(ROOM, PEER_B);
    await a.next(); // peer-joined
    a.sendJson({ v: 1, type: 'signal', room: ROOM, to: PEER_B, data: OFFER });
    expect(await b.next()).toEqual({ v: 1, type: 'signal', room: ROOM, from: PEER_A, data: OFFER });
    b.sendJson({ v: 1, type: 'signal', room: ROOM, to: PEER_A, data: { type: 'answer', sdp: 'x' } });
    expect(await a.next()).toEqual({ v: 1, type: 'signal', room: ROOM, from: PEER_B, data: { type: 'answer', sdp: 'x' } });
    expect(JSON.stringify(logs)).not.toContain('secret-sdp-body');
  });

  it('tells the others when a peer leaves or its socket closes', async () => {
    const a = await connect();
    const b = await connect();
    const c = await connect();
    await a.join(ROOM, PEER_A);
    await b.join(ROOM, PEER_B);
    await a.next();
    await c.join(ROOM, PEER_C);
    await a.next();
    await b.next();
    b.sendJson({ v: 1, type: 'leave', room: ROOM });
    expect(await a.next()).toEqual({ v: 1, type: 'peer-left', room: ROOM, peerId: PEER_B });
    expect(await c.next()).toEqual({ v: 1, type: 'peer-left', room: ROOM, peerId: PEER_B });
    c.close();
    expect(await a.next()).toEqual({ v: 1, type: 'peer-left', room: ROOM, peerId: PEER_C });
    await b.expectSilence();
  });

  it('keeps rooms apart', async () => {
    const a = await connect();
    const b = await connect();
    await a.join(ROOM, PEER_A);
    expect(await b.join(OTHER_ROOM, PEER_B)).toEqual({ v: 1, type: 'peers', room: OTHER_ROOM, peers: [] });
    await a.expectSilence();
    b.sendJson({ v: 1, type: 'signal', room: OTHER_ROOM, to: PEER_A, data: OFFER });
    expect(await b.next()).toMatchObject({ type: 'error', code: 'unknown-peer', ref: 'signal' });
  });

  it('lists at most maxPeersListed peers', async () => {
    const small = await createSignalingServer({ limits: { maxPeersListed: 2 } });
    const sockets: TestClient[] = [];
    try {
      for (let i = 0; i < 4; i++) {
        const client = await TestClient.connect(small.url);
        sockets.push(client);
        await client.next();
        await client.join(ROOM, i.toString(16).repeat(32));
      }
      const last = await TestClient.connect(small.url);
      sockets.push(last);
      await last.next();
      const peers = await last.join(ROOM, 'f'.repeat(32));
      expect(peers.type === 'peers' && peers.peers.length).toBe(2);
    } finally {
      for (const s of sockets) s.close();
      await small.close();
    }
  });
});

describe('signaling errors', () => {
  const badInputs: [string, (c: TestClient) => void, string, string | undefined][] = [
    ['malformed JSON', (c) => c.socket.send('{"v":1,"type":'), 'bad-json', undefined],
    ['an unknown type', (c) => c.sendJson({ v: 1, type: 'shout' }), 'unknown-type', 'shout'],
    ['a wrong version', (c) => c.sendJson({ v: 9, type: 'join', room: ROOM, peerId: PEER_A }), 'unsupported-version', 'join'],
    ['a numeric room', (c) => c.sendJson({ v: 1, type: 'join', room: 42, peerId: PEER_A }), 'bad-message', 'join'],
    ['a peer id as object', (c) => c.sendJson({ v: 1, type: 'join', room: ROOM, peerId: {} }), 'bad-message', 'join'],
    ['a string as data', (c) => c.sendJson({ v: 1, type: 'signal', room: ROOM, to: PEER_B, data: 'sdp' }), 'bad-message', 'signal'],
    ['a top-level array', (c) => c.sendJson([1, 2]), 'bad-message', undefined],
    ['a binary frame', (c) => c.socket.send(Buffer.from('{"v":1}')), 'bad-message', undefined],
    ['a signal before joining', (c) => c.sendJson({ v: 1, type: 'signal', room: ROOM, to: PEER_B, data: OFFER }), 'not-in-room', 'signal'],
    ['leaving a room never joined', (c) => c.sendJson({ v: 1, type: 'leave', room: ROOM }), 'not-in-room', 'leave'],
    ['oversized signal data', (c) => c.sendJson({ v: 1, type: 'signal', room: ROOM, to: PEER_B, data: { s: 'x'.repeat(20_000) } }), 'too-large', 'signal'],
  ];

  it.each(badInputs)('answers %s with an error and keeps serving', async (_name, send, code, ref) => {
    const bad = await connect();
    const good = await connect();
    send(bad);
    const reply = await bad.next();
    expect(reply).toMatchObject({ v: 1, type: 'error', code });
    expect(reply.type === 'error' && reply.ref).toBe(ref ?? undefined);
    // Both the offender and a well-behaved socket are still served.
    expect(await bad.join(ROOM, PEER_A)).toMatchObject({ type: 'peers', peers: [] });
    expect(await good.join(ROOM, PEER_B)).toMatchObject({ type: 'peers', peers: [PEER_A] });
  });

  it('refuses a signal to a peer that is not in the room', async () => {
    const a = await connect();
    await a.join(ROOM, PEER_A);
    a.sendJson({ v: 1, type: 'signal', room: ROOM, to: PEER_C, data: OFFER });
    expect(await a.next()).toMatchObject({ type: 'error', code: 'unknown-peer', ref: 'signal' });
  });

  it('refuses a second peer id on one socket and a peer id already in the room', async () => {
    const a = await connect();
    const b = await connect();
    await a.join(ROOM, PEER_A);
    expect(await a.join(OTHER_ROOM, PEER_B)).toMatchObject({ type: 'error', code: 'peer-id-mismatch', ref: 'join' });
    expect(await b.join(ROOM, PEER_A)).toMatchObject({ type: 'error', code: 'peer-id-taken', ref: 'join' });
    expect(await b.join(OTHER_ROOM, PEER_A)).toMatchObject({ type: 'peers', peers: [] });
  });

  it('answers a repeated join with the peer list again, without a second peer-joined', async () => {
    const a = await connect();
    const b = await connect();
    await a.join(ROOM, PEER_A);
    await b.join(ROOM, PEER_B);
    await a.next();
    expect(await b.join(ROOM, PEER_B)).toEqual({ v: 1, type: 'peers', room: ROOM, peers: [PEER_A] });
    await a.expectSilence();
  });

  it('limits rooms per socket', async () => {
    const limited = await createSignalingServer({ limits: { maxRoomsPerSocket: 2 } });
    const c = await TestClient.connect(limited.url);
    try {
      await c.next();
      await c.join('r'.repeat(16), PEER_A);
      await c.join('s'.repeat(16), PEER_A);
      expect(await c.join('t'.repeat(16), PEER_A)).toMatchObject({ type: 'error', code: 'too-many-rooms' });
    } finally {
      c.close();
      await limited.close();
    }
  });

  it('rate-limits a flooding socket', async () => {
    const limited = await createSignalingServer({ limits: { socketMessagesBurst: 3, socketMessagesPerSecond: 0.001 } });
    const c = await TestClient.connect(limited.url);
    try {
      await c.next();
      for (let i = 0; i < 4; i++) c.sendJson({ v: 1, type: 'leave', room: ROOM });
      for (let i = 0; i < 3; i++) expect(await c.next()).toMatchObject({ code: 'not-in-room' });
      expect(await c.next()).toMatchObject({ type: 'error', code: 'rate-limited' });
    } finally {
      c.close();
      await limited.close();
    }
  });

  it('closes a socket that sends a frame over the size limit, and survives', async () => {
    const bad = await connect();
    bad.socket.send('x'.repeat(MAX_FRAME_BYTES + 1));
    expect(await bad.closed).toBe(1009); // message too big
    const good = await connect();
    expect(await good.join(ROOM, PEER_B)).toMatchObject({ type: 'peers' });
  });

  it('refuses WebSocket upgrades anywhere but /signal', async () => {
    const socket = new WebSocket(server.url.replace('/signal', '/other'));
    const error = await new Promise<Error>((resolve) => socket.once('error', resolve));
    expect(error.message).toContain('404');
  });
});

describe('heartbeat', () => {
  it('terminates a socket that stops answering pings and tells its room', async () => {
    const fast = await createSignalingServer({ limits: { idleTimeoutMs: 100 } });
    const watcher = await TestClient.connect(fast.url);
    const silent = await TestClient.connect(fast.url);
    try {
      await watcher.next();
      await silent.next();
      await watcher.join(ROOM, PEER_A);
      await silent.join(ROOM, PEER_B);
      await watcher.next(); // peer-joined
      // Stop reading from the socket: pings go unanswered.
      (silent.socket as unknown as { _socket: { pause(): void } })._socket.pause();
      expect(await watcher.next(3000)).toEqual({ v: 1, type: 'peer-left', room: ROOM, peerId: PEER_B });
    } finally {
      watcher.close();
      silent.socket.terminate();
      await fast.close();
    }
  });
});

interface HttpResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** Sends the path verbatim (unlike fetch, which normalises dot segments away). */
function get(path: string, method = 'GET'): Promise<HttpResult> {
  const { port } = server;
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('static site', () => {
  it('answers /healthz', async () => {
    const res = await get('/healthz');
    expect(res.status).toBe(200);
    expect(res.body).toBe('ok');
  });

  it('serves index.html for / without caching', async () => {
    const res = await get('/');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['cache-control']).toBe('no-cache');
    expect(res.body).toContain('<title>Shoal</title>');
  });

  it.each([
    ['/assets/index-abc123.js', 'text/javascript; charset=utf-8', 'public, max-age=31536000, immutable'],
    ['/assets/index-abc123.css', 'text/css; charset=utf-8', 'public, max-age=31536000, immutable'],
    ['/assets/hash.wasm', 'application/wasm', 'public, max-age=31536000, immutable'],
    ['/sw.js', 'text/javascript; charset=utf-8', 'no-cache'],
    ['/manifest.webmanifest', 'application/manifest+json', 'no-cache'],
    ['/icon.svg', 'image/svg+xml', 'no-cache'],
    ['/index.html?x=1', 'text/html; charset=utf-8', 'no-cache'],
  ])('serves %s as %s', async (path, type, cache) => {
    const res = await get(path);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe(type);
    expect(res.headers['cache-control']).toBe(cache);
  });

  it('answers HEAD without a body', async () => {
    const res = await get('/sw.js', 'HEAD');
    expect(res.status).toBe(200);
    expect(res.body).toBe('');
  });

  it.each([
    '/../package.json',
    '/%2e%2e/package.json',
    '/%2E%2E/%2E%2E/package.json',
    '/assets/../../package.json',
    '/..%2fpackage.json',
    '/assets/..%2f..%2fpackage.json',
    '/%2e%2e%2fpackage.json',
    '/..%5cpackage.json',
    '/index.html%00.js',
    '/nope.html',
    '/assets/',
  ])('refuses %s', async (path) => {
    const res = await get(path);
    expect([400, 404]).toContain(res.status);
    expect(res.body).not.toContain('secret');
  });

  it('refuses other methods', async () => {
    expect((await get('/', 'POST')).status).toBe(405);
  });

  it('serves nothing but /healthz without a site', async () => {
    const bare = await createSignalingServer({ staticDir: null });
    try {
      const res = await fetch(bare.httpUrl);
      expect(res.status).toBe(404);
      expect(await (await fetch(new URL('/healthz', bare.httpUrl))).text()).toBe('ok');
    } finally {
      await bare.close();
    }
  });
});

describe('parseConfig', () => {
  it('defaults to port 8080 on all interfaces, the built site and no ICE servers', () => {
    expect(parseConfig([], {})).toEqual({
      port: 8080,
      host: '0.0.0.0',
      staticDir: DEFAULT_STATIC_DIR,
      iceServers: [],
      turn: null,
      limits: DEFAULT_LIMITS,
      allowedOrigins: '*',
      trustProxy: false,
      redis: null,
      logLevel: 'info',
    });
    expect(DEFAULT_STATIC_DIR.endsWith('/dist')).toBe(true);
  });

  it('reads the environment, and flags win over it', () => {
    const env = { PORT: '9000', HOST: '127.0.0.1', ICE_SERVERS: '[{"urls":"stun:127.0.0.1:3478"}]' };
    expect(parseConfig([], env)).toMatchObject({ port: 9000, host: '127.0.0.1', iceServers: [{ urls: 'stun:127.0.0.1:3478' }] });
    expect(parseConfig(['--port', '9001', '--host=::1', '--no-site', '--ice-servers', '[]'], env)).toMatchObject({
      port: 9001,
      host: '::1',
      staticDir: null,
      iceServers: [],
    });
  });

  it.each([
    [['--port', '70000'], {}, 'bad-port'],
    [['--port', '-1'], {}, 'bad-port'],
    [[], { PORT: '80a' }, 'bad-port'],
    [['--port'], {}, 'missing-value'],
    [['--host', 'a b'], {}, 'bad-host'],
    [['--ice-servers', '{'], {}, 'bad-ice-servers'],
    [[], { ICE_SERVERS: '[{"urls":[]}]' }, 'bad-ice-servers'],
    [['--verbose'], {}, 'unknown-option'],
  ] as const)('refuses %j %j with %s', (argv, env, code) => {
    expect(() => parseConfig([...argv], env)).toThrow(ConfigError);
    try {
      parseConfig([...argv], env);
    } catch (error) {
      expect((error as ConfigError).code).toBe(code);
    }
  });
});
