import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import {
  MAX_FRAME_BYTES,
  MAX_PEERS_LISTED,
  SignalingProtocolError,
  encode,
  parseClientMessage,
  parseIceServers,
  type PeerId,
  type RoomId,
  type ServerMessage,
  type SignalToMessage,
} from '../src/swarm/signaling-protocol.ts';
import type { IceServer } from '../src/swarm/transport.ts';
import { clientAddress, originAllowed, type OriginPolicy } from './client-address.ts';
import { DEFAULT_LIMITS, TokenBucket, type Limits } from './limits.ts';
import type { Log } from './log.ts';
import { CONTENT_TYPE, Metrics } from './metrics.ts';
import { RedisRoomBus } from './redis-room-bus.ts';
import { LocalRoomBus, type BusEvent, type RoomBus } from './room-bus.ts';
import { sendText, serveStatic } from './static-files.ts';
import { turnRestCredentials, type TurnRestConfig } from './turn-credentials.ts';

export type { LogLine } from './log.ts';

export interface SignalingServerOptions {
  /** 0 picks a free port. */
  port?: number;
  host?: string;
  /** Handed to every client in `welcome`; empty means host candidates only. */
  iceServers?: IceServer[];
  /** Adds a TURN entry with fresh short-lived credentials to every `welcome`. */
  turn?: TurnRestConfig | null;
  /** The built site to serve next to `/signal`; null serves only signaling. */
  staticDir?: string | null;
  limits?: Partial<Limits>;
  /** Browser origins allowed to open `/signal`; '*' allows any (and sockets with no Origin). */
  allowedOrigins?: OriginPolicy;
  /** Take the client address from the last `X-Forwarded-For` entry (set only behind your own proxy). */
  trustProxy?: boolean;
  /** Share rooms with other instances through Redis; without it rooms live in this process. */
  redis?: { url: string; livenessTtlMs: number } | null;
  /** Clients told to reconnect on shutdown spread their return over this window. */
  reconnectWithinMs?: number;
  log?: Log;
  random?: () => number;
  /** Epoch milliseconds; relay latency across instances compares these. */
  now?: () => number;
}

export interface SignalingServer {
  port: number;
  /** The WebSocket endpoint, e.g. `ws://127.0.0.1:8080/signal`. */
  url: string;
  /** The site root, e.g. `http://127.0.0.1:8080/`. */
  httpUrl: string;
  metrics: Metrics;
  /** Stops accepting, tells clients to reconnect, and closes within `shutdownGraceMs`. */
  close(): Promise<void>;
}

interface Conn {
  id: number;
  socket: WebSocket;
  ip: string;
  /** Fixed by the first successful join; one peer id per socket. */
  peerId: PeerId | null;
  rooms: Set<RoomId>;
  /** Joins in flight, counted against the room limit. */
  joining: Set<RoomId>;
  alive: boolean;
  messages: TokenBucket;
  joins: TokenBucket;
}

interface IpState {
  sockets: number;
  messages: TokenBucket;
  joins: TokenBucket;
}

export const SIGNAL_PATH = '/signal';
const DEFAULT_RECONNECT_WITHIN_MS = 5_000;
// Close codes: 1008 policy violation (origin, per-IP sockets), 1012 service restart.
const CLOSE_POLICY = 1008;
const CLOSE_RESTART = 1012;

export async function createSignalingServer(opts: SignalingServerOptions = {}): Promise<SignalingServer> {
  const parsedIceServers = parseIceServers(opts.iceServers ?? []);
  if (parsedIceServers instanceof SignalingProtocolError) throw parsedIceServers;
  const iceServers: IceServer[] = parsedIceServers;
  const limits: Limits = { ...DEFAULT_LIMITS, ...opts.limits };
  if (!(limits.maxPeersListed >= 1 && limits.maxPeersListed <= MAX_PEERS_LISTED)) {
    throw new RangeError(`maxPeersListed must be 1..${MAX_PEERS_LISTED}`);
  }
  if (!(limits.maxMessageBytes >= 1024 && limits.maxMessageBytes <= MAX_FRAME_BYTES)) {
    throw new RangeError(`maxMessageBytes must be 1024..${MAX_FRAME_BYTES}`);
  }
  const log: Log = opts.log ?? (() => undefined);
  const random = opts.random ?? Math.random;
  const now = opts.now ?? Date.now;
  const staticDir = opts.staticDir ?? null;
  const allowedOrigins = opts.allowedOrigins ?? '*';
  const metrics = new Metrics();

  /** This instance's sockets per room; who else is in a room is the bus's business. */
  const local = new Map<RoomId, Map<PeerId, Conn>>();
  const conns = new Set<Conn>();
  const ips = new Map<string, IpState>();
  /** Bus work under way; shutdown lets it finish (the leaves of closing sockets) before closing the bus. */
  const inFlight = new Set<Promise<unknown>>();
  let nextConnId = 1;
  let shuttingDown = false;

  const bus: RoomBus = opts.redis
    ? await RedisRoomBus.connect({ url: opts.redis.url, livenessTtlMs: opts.redis.livenessTtlMs, deliver, log })
    : new LocalRoomBus(deliver, random);

  const http = createServer((req, res) => handleHttp(req, res));
  const wss = new WebSocketServer({ noServer: true, maxPayload: limits.maxMessageBytes });
  http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', (error) => log({ level: 'warn', msg: 'upgrade socket error', error: error.message }));
    if (pathOf(req.url) !== SIGNAL_PATH || shuttingDown) {
      socket.end(`HTTP/1.1 ${shuttingDown ? '503 Service Unavailable' : '404 Not Found'}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => accept(ws, req));
  });

  function handleHttp(req: IncomingMessage, res: ServerResponse): void {
    const path = pathOf(req.url);
    if (path === '/healthz') return shuttingDown ? sendText(res, 503, 'shutting down') : sendText(res, 200, 'ok');
    if (path === '/metrics') {
      res.writeHead(200, { 'Content-Type': CONTENT_TYPE, 'Cache-Control': 'no-store' });
      res.end(metrics.render({ sockets: conns.size, rooms: local.size }));
      return;
    }
    if (staticDir === null) return sendText(res, 404, 'not found');
    serveStatic(staticDir, req, res).then(
      (outcome) => log({ level: 'debug', msg: 'http', method: req.method, path: req.url, outcome }),
      (error: Error) => {
        log({ level: 'error', msg: 'static file failed', path: req.url, error: error.message });
        if (res.headersSent) res.destroy();
        else sendText(res, 500, 'internal error');
      },
    );
  }

  /** Refuses a socket before it costs anything: an error it can read, then close. */
  function refuse(socket: WebSocket, error: SignalingProtocolError, remote: string): void {
    metrics.reject(error.code);
    log({ level: 'info', msg: 'refused', code: error.code, remote });
    socket.send(encode({ v: 1, type: 'error', code: error.code, message: error.message }));
    socket.close(CLOSE_POLICY, error.code);
  }

  function accept(socket: WebSocket, req: IncomingMessage): void {
    const ip = clientAddress(req, opts.trustProxy ?? false);
    const origin = req.headers.origin;
    if (!originAllowed(allowedOrigins, origin)) {
      return refuse(socket, new SignalingProtocolError('origin-not-allowed', 'this origin may not use this server'), ip);
    }
    const t = now();
    let ipState = ips.get(ip);
    if (!ipState) {
      ipState = {
        sockets: 0,
        messages: new TokenBucket(limits.ipMessagesPerSecond, limits.ipMessagesBurst, t),
        joins: new TokenBucket(limits.ipJoinsPerSecond, limits.ipJoinsBurst, t),
      };
      ips.set(ip, ipState);
    }
    if (ipState.sockets >= limits.maxSocketsPerIp) {
      return refuse(socket, new SignalingProtocolError('too-many-sockets', `at most ${limits.maxSocketsPerIp} sockets per address`), ip);
    }
    ipState.sockets++;
    const conn: Conn = {
      id: nextConnId++,
      socket,
      ip,
      peerId: null,
      rooms: new Set(),
      joining: new Set(),
      alive: true,
      messages: new TokenBucket(limits.socketMessagesPerSecond, limits.socketMessagesBurst, t),
      joins: new TokenBucket(limits.socketJoinsPerSecond, limits.socketJoinsBurst, t),
    };
    conns.add(conn);
    log({ level: 'info', msg: 'connected', conn: conn.id, remote: ip });
    socket.on('pong', () => (conn.alive = true));
    socket.on('message', (data, isBinary) => {
      try {
        onFrame(conn, data, isBinary);
      } catch (error) {
        // A bug here must cost one message, not the process.
        log({ level: 'error', msg: 'frame handler failed', conn: conn.id, error: String(error) });
      }
    });
    socket.on('error', (error) => log({ level: 'warn', msg: 'socket error', conn: conn.id, error: error.message }));
    socket.on('close', (code) => {
      conns.delete(conn);
      (ipState as IpState).sockets--;
      for (const room of [...conn.rooms]) run(conn, leave(conn, room));
      log({ level: 'info', msg: 'disconnected', conn: conn.id, code });
    });
    const servers = opts.turn ? [...iceServers, turnRestCredentials(opts.turn, `shoal${conn.id}`, now())] : iceServers;
    send(conn, { v: 1, type: 'welcome', iceServers: servers });
  }

  function onFrame(conn: Conn, data: RawData, isBinary: boolean): void {
    const t = now();
    if (!conn.messages.take(t) || !ips.get(conn.ip)?.messages.take(t)) {
      return replyError(conn, new SignalingProtocolError('rate-limited', 'too many messages'));
    }
    if (isBinary) return replyError(conn, new SignalingProtocolError('bad-message', 'binary frames are not accepted'));
    const msg = parseClientMessage(rawToString(data));
    if (msg instanceof SignalingProtocolError) return replyError(conn, msg);
    switch (msg.type) {
      case 'join':
        if (!conn.joins.take(t) || !ips.get(conn.ip)?.joins.take(t)) {
          return replyError(conn, new SignalingProtocolError('rate-limited', 'too many joins', 'join'));
        }
        return run(conn, join(conn, msg.room, msg.peerId));
      case 'leave':
        if (!conn.rooms.has(msg.room)) return replyError(conn, new SignalingProtocolError('not-in-room', 'not in that room', 'leave'));
        return run(conn, leave(conn, msg.room));
      case 'signal':
        return run(conn, signal(conn, msg, t));
    }
  }

  /** Bus calls may fail (Redis down); the client hears `unavailable` and may retry. */
  function run(conn: Conn, work: Promise<unknown>): void {
    const settled = work
      .catch((error: Error) => {
        log({ level: 'error', msg: 'room bus failed', conn: conn.id, error: error.message });
        replyError(conn, new SignalingProtocolError('unavailable', 'signaling is temporarily unavailable'));
      })
      .finally(() => inFlight.delete(settled));
    inFlight.add(settled);
  }

  async function join(conn: Conn, room: RoomId, peerId: PeerId): Promise<void> {
    const fail = (code: 'peer-id-mismatch' | 'too-many-rooms' | 'peer-id-taken', message: string) =>
      replyError(conn, new SignalingProtocolError(code, message, 'join'));
    if (conn.peerId !== null && conn.peerId !== peerId) return fail('peer-id-mismatch', 'this socket uses another peer id');
    if (!conn.rooms.has(room)) {
      if (conn.joining.has(room)) return;
      if (conn.rooms.size + conn.joining.size >= limits.maxRoomsPerSocket) {
        return fail('too-many-rooms', `at most ${limits.maxRoomsPerSocket} rooms per connection`);
      }
      if (local.get(room)?.has(peerId)) return fail('peer-id-taken', 'another connection uses this peer id in that room');
      conn.joining.add(room);
      const claimed = await bus.claim(room, peerId).finally(() => conn.joining.delete(room));
      if (!claimed) return fail('peer-id-taken', 'another connection uses this peer id in that room');
      // The socket closed, or another join fixed a different peer id, while the claim was in flight.
      if (!conns.has(conn) || (conn.peerId !== null && conn.peerId !== peerId)) {
        await bus.release(room, peerId);
        return fail('peer-id-mismatch', 'this socket uses another peer id');
      }
      let members = local.get(room);
      if (!members) local.set(room, (members = new Map()));
      members.set(peerId, conn);
      conn.rooms.add(room);
      conn.peerId = peerId;
      await bus.publish({ type: 'joined', room, peerId });
      log({ level: 'info', msg: 'joined', conn: conn.id, room: short(room), peer: short(peerId) });
    }
    const others = (await bus.sample(room, limits.maxPeersListed + 1)).filter((id) => id !== peerId);
    send(conn, { v: 1, type: 'peers', room, peers: others.slice(0, limits.maxPeersListed) });
  }

  async function leave(conn: Conn, room: RoomId): Promise<void> {
    const peerId = conn.peerId;
    if (!conn.rooms.delete(room) || peerId === null) return;
    const members = local.get(room);
    members?.delete(peerId);
    if (members?.size === 0) local.delete(room);
    log({ level: 'info', msg: 'left', conn: conn.id, room: short(room), peer: short(peerId) });
    await bus.release(room, peerId);
    await bus.publish({ type: 'left', room, peerId });
  }

  async function signal(conn: Conn, msg: SignalToMessage, receivedAtMs: number): Promise<void> {
    const from = conn.peerId;
    if (from === null || !conn.rooms.has(msg.room)) {
      return replyError(conn, new SignalingProtocolError('not-in-room', 'join the room before signaling in it', 'signal'));
    }
    if (!(await bus.has(msg.room, msg.to))) {
      return replyError(conn, new SignalingProtocolError('unknown-peer', 'no such peer in that room', 'signal'));
    }
    await bus.publish({ type: 'signal', room: msg.room, from, to: msg.to, data: msg.data, sentAtMs: receivedAtMs });
  }

  /** Events from the bus (this instance's own included) reach the local sockets they concern. */
  function deliver(event: BusEvent): void {
    const members = local.get(event.room);
    if (!members) return;
    switch (event.type) {
      case 'joined':
      case 'left': {
        const type = event.type === 'joined' ? 'peer-joined' : 'peer-left';
        for (const [id, member] of members) {
          if (id !== event.peerId) send(member, { v: 1, type, room: event.room, peerId: event.peerId });
        }
        return;
      }
      case 'signal': {
        const target = members.get(event.to);
        if (!target) return;
        send(target, { v: 1, type: 'signal', room: event.room, from: event.from, data: event.data });
        metrics.observeRelayMs(now() - event.sentAtMs);
        return;
      }
    }
  }

  function replyError(conn: Conn, error: SignalingProtocolError): void {
    metrics.reject(error.code);
    log({ level: 'debug', msg: 'rejected', conn: conn.id, code: error.code, ref: error.ref });
    const reply: ServerMessage = { v: 1, type: 'error', code: error.code, message: error.message.slice(0, 1024) };
    if (error.ref !== undefined) reply.ref = error.ref;
    send(conn, reply);
  }

  function send(conn: Conn, msg: ServerMessage): void {
    if (conn.socket.readyState !== WebSocket.OPEN) return;
    if (conn.socket.bufferedAmount > limits.maxBufferedBytes) {
      metrics.reject('not-reading');
      log({ level: 'warn', msg: 'cut off a socket that stopped reading', conn: conn.id });
      conn.socket.terminate();
      return;
    }
    conn.socket.send(encode(msg));
  }

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => {
      http.off('error', reject);
      resolve();
    });
  }).catch(async (error: unknown) => {
    await bus.close();
    throw error;
  });

  // Pinging every half timeout terminates a silent socket within one timeout.
  const heartbeat = setInterval(() => {
    for (const conn of conns) {
      if (!conn.alive) {
        metrics.reject('idle-timeout');
        log({ level: 'info', msg: 'missed heartbeat', conn: conn.id });
        conn.socket.terminate();
        continue;
      }
      conn.alive = false;
      if (conn.socket.readyState === WebSocket.OPEN) conn.socket.ping();
    }
    // Forget an address once it has no sockets and its buckets are full again: forgetting then loses nothing.
    const t = now();
    for (const [ip, state] of ips) {
      if (state.sockets === 0 && state.messages.isFull(t) && state.joins.isFull(t)) ips.delete(ip);
    }
  }, limits.idleTimeoutMs / 2);

  let closing: Promise<void> | null = null;
  async function shutDown(): Promise<void> {
    shuttingDown = true;
    clearInterval(heartbeat);
    const httpClosed = new Promise<void>((resolve, reject) => http.close((error) => (error ? reject(error) : resolve())));
    http.closeIdleConnections();
    const withinMs = opts.reconnectWithinMs ?? DEFAULT_RECONNECT_WITHIN_MS;
    const closed = [...conns].map(
      (conn) =>
        new Promise<void>((resolve) => {
          conn.socket.once('close', () => resolve());
          send(conn, { v: 1, type: 'reconnect', withinMs });
          conn.socket.close(CLOSE_RESTART, 'server restarting');
        }),
    );
    const grace = setTimeout(() => {
      for (const conn of conns) conn.socket.terminate();
    }, limits.shutdownGraceMs);
    await Promise.all(closed);
    clearTimeout(grace);
    await Promise.all([...inFlight]);
    await bus.close();
    await new Promise<void>((resolve) => wss.close(() => resolve()));
    http.closeAllConnections();
    await httpClosed;
    log({ level: 'info', msg: 'closed' });
  }

  const port = (http.address() as AddressInfo).port;
  const host = urlHost(opts.host ?? '127.0.0.1');
  return {
    port,
    url: `ws://${host}:${port}${SIGNAL_PATH}`,
    httpUrl: `http://${host}:${port}/`,
    metrics,
    close: () => (closing ??= shutDown()),
  };
}

function pathOf(url: string | undefined): string | null {
  try {
    return new URL(url ?? '/', 'http://localhost').pathname;
  } catch {
    return null;
  }
}

function rawToString(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}

/** Log ids by prefix: enough to follow one peer, and never a whole swarm id. */
function short(id: string): string {
  return id.slice(0, 8);
}

/** A wildcard listen address is not something a client can dial; loopback is. */
function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::' || host === '') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}
