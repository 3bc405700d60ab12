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
} from '../src/swarm/signaling-protocol.ts';
import type { IceServer } from '../src/swarm/transport.ts';
import { sendText, serveStatic } from './static-files.ts';

export interface LogLine {
  level: 'debug' | 'info' | 'warn' | 'error';
  msg: string;
  [field: string]: unknown;
}

export interface SignalingServerOptions {
  /** 0 picks a free port. */
  port?: number;
  host?: string;
  /** Handed to every client in `welcome`; empty means host candidates only. */
  iceServers?: IceServer[];
  /** The built site to serve next to `/signal`; null serves only signaling. */
  staticDir?: string | null;
  maxRoomsPerSocket?: number;
  maxPeersListed?: number;
  heartbeatMs?: number;
  /** Messages a socket may send in a burst, and how fast that allowance refills. */
  rateLimit?: { burst: number; perSecond: number };
  /** A socket whose unsent backlog passes this is not reading; it gets cut off. */
  maxBufferedBytes?: number;
  log?: (line: LogLine) => void;
  random?: () => number;
  now?: () => number;
}

export interface SignalingServer {
  port: number;
  /** The WebSocket endpoint, e.g. `ws://127.0.0.1:8080/signal`. */
  url: string;
  /** The site root, e.g. `http://127.0.0.1:8080/`. */
  httpUrl: string;
  close(): Promise<void>;
}

interface Conn {
  id: number;
  socket: WebSocket;
  /** Fixed by the first successful join; one peer id per socket. */
  peerId: PeerId | null;
  rooms: Set<RoomId>;
  alive: boolean;
  tokens: number;
  tokensAtMs: number;
}

export const SIGNAL_PATH = '/signal';
const CLOSE_GRACE_MS = 1000;

export async function createSignalingServer(opts: SignalingServerOptions = {}): Promise<SignalingServer> {
  const parsedIceServers = parseIceServers(opts.iceServers ?? []);
  if (parsedIceServers instanceof SignalingProtocolError) throw parsedIceServers;
  const iceServers: IceServer[] = parsedIceServers;
  const maxRooms = opts.maxRoomsPerSocket ?? 32;
  const maxPeersListed = opts.maxPeersListed ?? 50;
  if (!(maxPeersListed >= 1 && maxPeersListed <= MAX_PEERS_LISTED)) {
    throw new RangeError(`maxPeersListed must be 1..${MAX_PEERS_LISTED}`);
  }
  const heartbeatMs = opts.heartbeatMs ?? 30_000;
  const rateLimit = opts.rateLimit ?? { burst: 500, perSecond: 50 };
  const maxBufferedBytes = opts.maxBufferedBytes ?? 1024 * 1024;
  const log = opts.log ?? (() => undefined);
  const random = opts.random ?? Math.random;
  const now = opts.now ?? (() => performance.now());
  const staticDir = opts.staticDir ?? null;

  const rooms = new Map<RoomId, Map<PeerId, Conn>>();
  const conns = new Set<Conn>();
  let nextConnId = 1;

  const http = createServer((req, res) => handleHttp(req, res));
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });
  http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', (error) => log({ level: 'warn', msg: 'upgrade socket error', error: error.message }));
    if (pathOf(req.url) !== SIGNAL_PATH) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => accept(ws, req));
  });

  function handleHttp(req: IncomingMessage, res: ServerResponse): void {
    if (pathOf(req.url) === '/healthz') return sendText(res, 200, 'ok');
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

  function accept(socket: WebSocket, req: IncomingMessage): void {
    const conn: Conn = {
      id: nextConnId++,
      socket,
      peerId: null,
      rooms: new Set(),
      alive: true,
      tokens: rateLimit.burst,
      tokensAtMs: now(),
    };
    conns.add(conn);
    log({ level: 'info', msg: 'connected', conn: conn.id, remote: req.socket.remoteAddress });
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
      for (const room of [...conn.rooms]) leave(conn, room);
      conns.delete(conn);
      log({ level: 'info', msg: 'disconnected', conn: conn.id, code });
    });
    send(conn, { v: 1, type: 'welcome', iceServers });
  }

  function onFrame(conn: Conn, data: RawData, isBinary: boolean): void {
    if (!takeToken(conn)) return replyError(conn, new SignalingProtocolError('rate-limited', 'too many messages'));
    if (isBinary) return replyError(conn, new SignalingProtocolError('bad-message', 'binary frames are not accepted'));
    const msg = parseClientMessage(rawToString(data));
    if (msg instanceof SignalingProtocolError) return replyError(conn, msg);
    switch (msg.type) {
      case 'join':
        return join(conn, msg.room, msg.peerId);
      case 'leave':
        if (!leave(conn, msg.room)) replyError(conn, new SignalingProtocolError('not-in-room', 'not in that room', 'leave'));
        return;
      case 'signal': {
        const from = conn.peerId;
        if (from === null || !conn.rooms.has(msg.room)) {
          return replyError(conn, new SignalingProtocolError('not-in-room', 'join the room before signaling in it', 'signal'));
        }
        const target = rooms.get(msg.room)?.get(msg.to);
        if (!target) return replyError(conn, new SignalingProtocolError('unknown-peer', 'no such peer in that room', 'signal'));
        return send(target, { v: 1, type: 'signal', room: msg.room, from, data: msg.data });
      }
    }
  }

  function join(conn: Conn, room: RoomId, peerId: PeerId): void {
    const fail = (code: 'peer-id-mismatch' | 'too-many-rooms' | 'peer-id-taken', message: string) =>
      replyError(conn, new SignalingProtocolError(code, message, 'join'));
    if (conn.peerId !== null && conn.peerId !== peerId) return fail('peer-id-mismatch', 'this socket uses another peer id');
    let members = rooms.get(room);
    if (!conn.rooms.has(room)) {
      if (conn.rooms.size >= maxRooms) return fail('too-many-rooms', `at most ${maxRooms} rooms per connection`);
      if (members?.has(peerId)) return fail('peer-id-taken', 'another connection uses this peer id in that room');
      if (!members) rooms.set(room, (members = new Map()));
      for (const other of members.values()) send(other, { v: 1, type: 'peer-joined', room, peerId });
      members.set(peerId, conn);
      conn.rooms.add(room);
      conn.peerId = peerId;
      log({ level: 'info', msg: 'joined', conn: conn.id, room: short(room), peer: short(peerId), size: members.size });
    }
    const others = [...(members?.keys() ?? [])].filter((id) => id !== peerId);
    send(conn, { v: 1, type: 'peers', room, peers: sample(others, maxPeersListed, random) });
  }

  function leave(conn: Conn, room: RoomId): boolean {
    const members = rooms.get(room);
    if (!conn.rooms.delete(room) || !members || conn.peerId === null) return false;
    members.delete(conn.peerId);
    if (members.size === 0) rooms.delete(room);
    for (const other of members.values()) send(other, { v: 1, type: 'peer-left', room, peerId: conn.peerId });
    log({ level: 'info', msg: 'left', conn: conn.id, room: short(room), peer: short(conn.peerId), size: members.size });
    return true;
  }

  function takeToken(conn: Conn): boolean {
    const t = now();
    conn.tokens = Math.min(rateLimit.burst, conn.tokens + ((t - conn.tokensAtMs) / 1000) * rateLimit.perSecond);
    conn.tokensAtMs = t;
    if (conn.tokens < 1) return false;
    conn.tokens -= 1;
    return true;
  }

  function replyError(conn: Conn, error: SignalingProtocolError): void {
    log({ level: 'debug', msg: 'rejected', conn: conn.id, code: error.code, ref: error.ref });
    const reply: ServerMessage = { v: 1, type: 'error', code: error.code, message: error.message.slice(0, 1024) };
    if (error.ref !== undefined) reply.ref = error.ref;
    send(conn, reply);
  }

  function send(conn: Conn, msg: ServerMessage): void {
    if (conn.socket.readyState !== WebSocket.OPEN) return;
    if (conn.socket.bufferedAmount > maxBufferedBytes) {
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
  });

  const heartbeat = setInterval(() => {
    for (const conn of conns) {
      if (!conn.alive) {
        log({ level: 'info', msg: 'missed heartbeat', conn: conn.id });
        conn.socket.terminate();
        continue;
      }
      conn.alive = false;
      if (conn.socket.readyState === WebSocket.OPEN) conn.socket.ping();
    }
  }, heartbeatMs);

  let closing: Promise<void> | null = null;
  async function shutDown(): Promise<void> {
    clearInterval(heartbeat);
    const closed = [...conns].map(
      (conn) =>
        new Promise<void>((resolve) => {
          conn.socket.once('close', () => resolve());
          conn.socket.close(1001, 'server shutting down');
        }),
    );
    const grace = setTimeout(() => {
      for (const conn of conns) conn.socket.terminate();
    }, CLOSE_GRACE_MS);
    await Promise.all(closed);
    clearTimeout(grace);
    await new Promise<void>((resolve) => wss.close(() => resolve()));
    await new Promise<void>((resolve, reject) => {
      http.close((error) => (error ? reject(error) : resolve()));
      http.closeAllConnections();
    });
  }

  const port = (http.address() as AddressInfo).port;
  const host = urlHost(opts.host ?? '127.0.0.1');
  return {
    port,
    url: `ws://${host}:${port}${SIGNAL_PATH}`,
    httpUrl: `http://${host}:${port}/`,
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

/** Up to `count` items in random order (a partial Fisher-Yates shuffle). */
function sample<T>(items: T[], count: number, random: () => number): T[] {
  if (items.length <= count) return items;
  const pool = [...items];
  for (let i = 0; i < count; i++) {
    const j = i + Math.floor(random() * (pool.length - i));
    [pool[i], pool[j]] = [pool[j] as T, pool[i] as T];
  }
  return pool.slice(0, count);
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
