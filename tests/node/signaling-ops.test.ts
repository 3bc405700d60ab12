import { createHmac } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { jsonLogger } from '../../signaling/log.ts';
import { createSignalingServer, type SignalingServer, type SignalingServerOptions } from '../../signaling/server.ts';
import { SignalingClient } from '../../src/swarm/signaling-client.ts';
import { TestClient } from './signaling-harness.ts';

const ROOM = 'room_0123456789abcdef';
const PEER_A = 'a'.repeat(32);
const PEER_B = 'b'.repeat(32);
const SDP = 'v=0 o=- 4611731400430051336 2 IN IP4 127.0.0.1 secret-sdp-body';
const TURN_SECRET = 'turn-shared-secret-do-not-log';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function start(opts: SignalingServerOptions = {}): Promise<SignalingServer> {
  const server = await createSignalingServer(opts);
  cleanups.push(() => server.close());
  return server;
}

async function pair(server: SignalingServer): Promise<[TestClient, TestClient]> {
  const a = await TestClient.connect(server.url);
  const b = await TestClient.connect(server.url);
  cleanups.push(() => a.socket.terminate(), () => b.socket.terminate());
  await a.next();
  await b.next();
  await a.join(ROOM, PEER_A);
  await b.join(ROOM, PEER_B);
  await a.next(); // peer-joined
  return [a, b];
}

describe('observability', () => {
  it('serves Prometheus text: sockets, rooms, relayed, rejected by reason, a latency histogram', async () => {
    const server = await start();
    const [a, b] = await pair(server);
    for (let i = 0; i < 3; i++) {
      a.sendJson({ v: 1, type: 'signal', room: ROOM, to: PEER_B, data: { type: 'offer', sdp: SDP } });
      await b.next();
    }
    a.sendJson({ v: 1, type: 'shout' });
    await a.next();
    const res = await fetch(`${server.httpUrl}metrics`);
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const text = await res.text();
    expect(text).toContain('# TYPE shoal_signaling_sockets gauge\nshoal_signaling_sockets 2\n');
    expect(text).toContain('shoal_signaling_rooms 1\n');
    expect(text).toContain('shoal_signaling_messages_relayed_total 3\n');
    expect(text).toContain('shoal_signaling_messages_rejected_total{reason="unknown-type"} 1\n');
    expect(text).toContain('# TYPE shoal_signaling_relay_latency_seconds histogram');
    expect(text).toContain('shoal_signaling_relay_latency_seconds_bucket{le="+Inf"} 3\n');
    expect(text).toContain('shoal_signaling_relay_latency_seconds_count 3\n');
    // Buckets are cumulative: never decreasing.
    const buckets = [...text.matchAll(/_bucket\{le="[^"]+"\} (\d+)/g)].map((m) => Number(m[1]));
    expect(buckets).toEqual([...buckets].sort((x, y) => x - y));
    expect(text).toMatch(/^process_resident_memory_bytes \d+$/m);
    // Every sample line is `name{labels} number`.
    for (const line of text.trim().split('\n').filter((l) => !l.startsWith('#'))) {
      expect(line).toMatch(/^[a-z_]+(\{[a-z]+="[^"]*"\})? [0-9.e+-]+$/);
    }
  });

  it('logs one JSON object per line, filters by level, and never logs SDP or secrets', async () => {
    const lines: string[] = [];
    const server = await start({
      log: jsonLogger('debug', (text) => lines.push(text)),
      turn: { secret: TURN_SECRET, urls: ['turn:127.0.0.1:3478'], ttlSeconds: 60 },
    });
    const [a, b] = await pair(server);
    a.sendJson({ v: 1, type: 'signal', room: ROOM, to: PEER_B, data: { type: 'offer', sdp: SDP } });
    await b.next();
    a.sendJson({ v: 1, type: 'signal', room: ROOM, to: 'c'.repeat(32), data: { type: 'offer', sdp: SDP } });
    await a.next();
    a.close();
    await a.closed;
    await server.close();
    expect(lines.length).toBeGreaterThan(5);
    for (const line of lines) {
      expect(line).not.toContain('\n');
      const parsed = JSON.parse(line) as { level: string; msg: string; time: string };
      expect(['debug', 'info', 'warn', 'error']).toContain(parsed.level);
      expect(typeof parsed.msg).toBe('string');
      expect(Number.isNaN(Date.parse(parsed.time))).toBe(false);
      expect(line).not.toContain('secret-sdp-body');
      expect(line).not.toContain(TURN_SECRET);
    }
    const quiet: string[] = [];
    const warnOnly = jsonLogger('warn', (text) => quiet.push(text));
    warnOnly({ level: 'info', msg: 'dropped' });
    warnOnly({ level: 'error', msg: 'kept' });
    expect(quiet.map((l) => (JSON.parse(l) as { msg: string }).msg)).toEqual(['kept']);
  });

  it('hands each client fresh TURN REST credentials next to the static servers', async () => {
    const server = await start({
      iceServers: [{ urls: 'stun:127.0.0.1:3478' }],
      turn: { secret: TURN_SECRET, urls: ['turn:127.0.0.1:3478?transport=udp'], ttlSeconds: 600 },
      now: () => 1_700_000_000_000,
    });
    const client = await TestClient.connect(server.url);
    cleanups.push(() => client.socket.terminate());
    const welcome = await client.next();
    expect(welcome.type === 'welcome' && welcome.iceServers[0]).toEqual({ urls: 'stun:127.0.0.1:3478' });
    const turn = welcome.type === 'welcome' ? welcome.iceServers[1] : undefined;
    expect(turn?.username).toMatch(/^1700000600:shoal\d+$/);
    expect(turn?.credential).toBe(createHmac('sha1', TURN_SECRET).update(turn?.username as string).digest('base64'));
  });
});

describe('graceful shutdown', () => {
  it('tells clients to reconnect, closes them with 1012, and terminates stragglers within the bound', async () => {
    const server = await createSignalingServer({ limits: { shutdownGraceMs: 300 }, reconnectWithinMs: 2000 });
    const polite = await TestClient.connect(server.url);
    const stuck = await TestClient.connect(server.url);
    await polite.next();
    await stuck.next();
    // A client that stops reading never completes the closing handshake.
    (stuck.socket as unknown as { _socket: { pause(): void } })._socket.pause();
    const started = Date.now();
    await server.close();
    expect(Date.now() - started).toBeLessThan(1500);
    expect(await polite.next()).toEqual({ v: 1, type: 'reconnect', withinMs: 2000 });
    expect(await polite.closed).toBe(1012);
    // A new connection is refused once shutdown began.
    const refused = new WebSocket(server.url);
    await new Promise((resolve) => refused.once('error', resolve));
    stuck.socket.terminate();
  });

  it('sends SignalingClient to the next server after a jittered delay, where it rejoins its rooms', async () => {
    const first = await createSignalingServer({ reconnectWithinMs: 400 });
    const second = await start();
    const delays: number[] = [];
    const client = new SignalingClient({
      url: [first.url, second.url],
      peerId: PEER_A,
      WebSocketImpl: WebSocket,
      random: () => 0.25,
      setTimeout: (cb, ms) => {
        delays.push(ms);
        return setTimeout(cb, ms);
      },
    });
    cleanups.push(() => client.close());
    const joined = new Promise<string[]>((resolve) => {
      let count = 0;
      client.onPeers((_room, peers) => {
        if (++count === 2) resolve(peers);
      });
    });
    client.join(ROOM);
    const other = await TestClient.connect(second.url);
    cleanups.push(() => other.socket.terminate());
    await other.next();
    await other.join(ROOM, PEER_B);
    await new Promise((r) => setTimeout(r, 100));
    await first.close();
    // Rejoined on the second server, where PEER_B waits.
    expect(await joined).toEqual([PEER_B]);
    expect(delays).toEqual([0.25 * 400]);
  });
});
