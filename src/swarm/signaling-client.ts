import { Emitter } from './emitter.ts';
import {
  SignalingProtocolError,
  encode,
  isPeerId,
  isRoomId,
  parseServerMessage,
  type ClientMessage,
  type PeerId,
  type RoomId,
  type ServerMessage,
  type SignalingErrorCode,
} from './signaling-protocol.ts';
import type { IceServer, SignalData } from './transport.ts';
import { CodedError } from '../coded-error.ts';

export type SignalingStatus = 'connecting' | 'open' | 'down';

// Method syntax makes the parameter bivariant, so both the DOM WebSocket and `ws` fit this shape.
type Handler<E> = { bivarianceHack(event: E): void }['bivarianceHack'];

/** The part of the WebSocket API the client uses; the DOM's and `ws`'s both satisfy it. */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: Handler<unknown> | null;
  onmessage: Handler<{ data: unknown }> | null;
  onclose: Handler<unknown> | null;
  onerror: Handler<unknown> | null;
}

export type WebSocketConstructorLike = new (url: string) => WebSocketLike;

/**
 * A socket opened before the client existed (the page's first inline script,
 * while the app's code still loads), with the messages it received meanwhile.
 */
export interface EarlySocket {
  url: string;
  socket: WebSocketLike;
  received: unknown[];
}

/** An `error` message the server sent about something this client did. */
export class SignalingServerError extends CodedError<SignalingErrorCode> {
  override name = 'SignalingServerError';
  constructor(
    code: SignalingErrorCode,
    message: string,
    readonly ref?: string,
  ) {
    super(code, message);
  }
}

export interface SignalingClientOptions {
  /**
   * `ws://host:port/signal`, or several interchangeable servers (instances
   * sharing rooms through Redis): each reconnect tries the next one.
   */
  url: string | readonly string[];
  peerId: PeerId;
  WebSocketImpl: WebSocketConstructorLike;
  random: () => number;
  setTimeout?: (callback: () => void, delayMs: number) => unknown;
  clearTimeout?: (handle: unknown) => void;
  minBackoffMs?: number;
  maxBackoffMs?: number;
  /** Taken over as the first connection when it goes to the first URL and is not closing. */
  earlySocket?: EarlySocket | null;
}

interface ClientEvents {
  welcome(iceServers: IceServer[]): void;
  peers(room: RoomId, peers: PeerId[]): void;
  peerJoined(room: RoomId, peerId: PeerId): void;
  peerLeft(room: RoomId, peerId: PeerId): void;
  signal(room: RoomId, from: PeerId, data: SignalData): void;
  status(status: SignalingStatus): void;
  error(error: SignalingProtocolError | SignalingServerError): void;
}

const CONNECTING = 0;
const OPEN = 1;
const DEFAULT_MIN_BACKOFF_MS = 500;
const DEFAULT_MAX_BACKOFF_MS = 30_000;

/**
 * One WebSocket to the signaling server, kept alive across drops. The rooms
 * it should be in are remembered and joined again after every reconnect.
 */
export class SignalingClient {
  private readonly events = new Emitter<ClientEvents>();
  /** Rooms the caller wants to be in, whether or not the socket is up. */
  private readonly rooms = new Set<RoomId>();
  /** Rooms the server confirmed (sent `peers` for) on the current socket. */
  private readonly confirmed = new Set<RoomId>();
  private socket: WebSocketLike | null = null;
  private currentStatus: SignalingStatus = 'down';
  private reconnectAttempt = 0;
  private urlIndex = 0;
  /** Set by a server's `reconnect`: the delay before the next connect, instead of the backoff. */
  private reconnectDelayMs: number | null = null;
  private rejoinAttempt = 0;
  private reconnectTimer: unknown = null;
  private rejoinTimer: unknown = null;
  private closed = false;
  private lastIceServers: IceServer[] = [];
  private dropped = 0;
  private readonly setTimer: (callback: () => void, delayMs: number) => unknown;
  private readonly clearTimer: (handle: unknown) => void;
  private earlySocket: EarlySocket | null;

  constructor(private readonly opts: SignalingClientOptions) {
    if (!isPeerId(opts.peerId)) {
      throw new SignalingProtocolError('bad-message', 'peerId must be 32 lowercase hex characters');
    }
    this.setTimer = opts.setTimeout ?? ((callback, delayMs) => globalThis.setTimeout(callback, delayMs));
    this.clearTimer =
      opts.clearTimeout ?? ((handle) => globalThis.clearTimeout(handle as ReturnType<typeof globalThis.setTimeout>));
    this.earlySocket = opts.earlySocket ?? null;
    this.connect();
  }

  get status(): SignalingStatus {
    return this.currentStatus;
  }

  /** The ICE servers from the most recent welcome (empty until one arrives). */
  get iceServers(): IceServer[] {
    return this.lastIceServers;
  }

  /** Signals dropped because the socket was down or the room not joined. */
  get droppedSignals(): number {
    return this.dropped;
  }

  join(room: RoomId): void {
    if (!isRoomId(room)) throw new SignalingProtocolError('bad-message', `not a room id: ${String(room).slice(0, 40)}`);
    if (this.rooms.has(room)) return;
    this.rooms.add(room);
    this.send({ v: 1, type: 'join', room, peerId: this.opts.peerId });
  }

  leave(room: RoomId): void {
    if (!this.rooms.delete(room)) return;
    this.confirmed.delete(room);
    this.send({ v: 1, type: 'leave', room });
  }

  /** Relays `data` to `to` in `room`; returns false (and counts it) when it could not be sent. */
  signal(room: RoomId, to: PeerId, data: SignalData): boolean {
    if (!this.rooms.has(room) || !this.send({ v: 1, type: 'signal', room, to, data })) {
      this.dropped++;
      return false;
    }
    return true;
  }

  /**
   * Reconnects at once if the connection is down and waiting out its backoff
   * (the browser just came back online); the backoff starts over.
   */
  retryNow(): void {
    if (this.closed || this.socket !== null || this.reconnectTimer === null) return;
    this.clearTimer(this.reconnectTimer);
    this.reconnectAttempt = 0;
    this.connect();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.cancelTimers();
    const socket = this.socket;
    this.socket = null;
    if (socket) {
      this.detach(socket);
      socket.close(1000, 'client closed');
    }
    this.setStatus('down');
  }

  onWelcome(cb: ClientEvents['welcome']): () => void {
    return this.events.on('welcome', cb);
  }
  onPeers(cb: ClientEvents['peers']): () => void {
    return this.events.on('peers', cb);
  }
  onPeerJoined(cb: ClientEvents['peerJoined']): () => void {
    return this.events.on('peerJoined', cb);
  }
  onPeerLeft(cb: ClientEvents['peerLeft']): () => void {
    return this.events.on('peerLeft', cb);
  }
  onSignal(cb: ClientEvents['signal']): () => void {
    return this.events.on('signal', cb);
  }
  onStatus(cb: ClientEvents['status']): () => void {
    return this.events.on('status', cb);
  }
  onError(cb: ClientEvents['error']): () => void {
    return this.events.on('error', cb);
  }

  private connect(): void {
    this.reconnectTimer = null;
    this.setStatus('connecting');
    const urls = typeof this.opts.url === 'string' ? [this.opts.url] : this.opts.url;
    const url = urls[this.urlIndex++ % urls.length] as string;
    const early = this.takeEarlySocket(url);
    const socket = early?.socket ?? new this.opts.WebSocketImpl(url);
    this.socket = socket;
    socket.onopen = () => this.opened();
    socket.onmessage = (event) => this.receive(event.data);
    // Every error is followed by a close event, which is where recovery happens.
    socket.onerror = () => undefined;
    socket.onclose = () => {
      this.detach(socket);
      if (this.socket !== socket) return;
      this.socket = null;
      this.cancelTimers();
      this.setStatus('down');
      const delayMs = this.reconnectDelayMs ?? this.backoffMs(this.reconnectAttempt++);
      this.reconnectDelayMs = null;
      this.reconnectTimer = this.setTimer(() => this.connect(), delayMs);
    };
    if (early) this.catchUp(socket, early.received);
  }

  private opened(): void {
    this.reconnectAttempt = 0;
    this.rejoinAttempt = 0;
    this.confirmed.clear();
    this.setStatus('open');
    for (const room of this.rooms) this.send({ v: 1, type: 'join', room, peerId: this.opts.peerId });
  }

  /** The early socket, once, if it went where this connection goes and may still open. */
  private takeEarlySocket(url: string): EarlySocket | null {
    const early = this.earlySocket;
    if (!early) return null;
    this.earlySocket = null;
    const usable = early.url === url && (early.socket.readyState === CONNECTING || early.socket.readyState === OPEN);
    if (usable) return early;
    early.socket.onopen = early.socket.onmessage = early.socket.onclose = null;
    // Closing a socket that has not opened yet reports an error; it is ours to ignore.
    early.socket.onerror = () => undefined;
    early.socket.close();
    return null;
  }

  /** What an early socket missed before its handlers were ours: its opening, then each message in order. */
  private catchUp(socket: WebSocketLike, received: unknown[]): void {
    if (socket.readyState !== OPEN) return;
    this.opened();
    for (const raw of received) if (this.socket === socket) this.receive(raw);
  }

  private detach(socket: WebSocketLike): void {
    socket.onopen = socket.onmessage = socket.onclose = null;
  }

  private receive(raw: unknown): void {
    if (typeof raw !== 'string') {
      this.events.emit('error', new SignalingProtocolError('bad-message', 'binary frame from the signaling server'));
      return;
    }
    const msg = parseServerMessage(raw);
    if (msg instanceof SignalingProtocolError) {
      this.events.emit('error', msg);
      return;
    }
    this.dispatch(msg);
  }

  private dispatch(msg: ServerMessage): void {
    switch (msg.type) {
      case 'welcome':
        this.lastIceServers = msg.iceServers;
        this.events.emit('welcome', msg.iceServers);
        return;
      case 'error':
        this.events.emit('error', new SignalingServerError(msg.code, msg.message, msg.ref));
        if (msg.code === 'peer-id-taken' || msg.code === 'unavailable') this.scheduleRejoin();
        return;
      case 'reconnect':
        // The server is going away and closes this socket next. Everyone it served gets this at once,
        // so return at a random moment in its window rather than all together.
        this.reconnectDelayMs = this.opts.random() * msg.withinMs;
        return;
    }
    // Messages for a room we left in the meantime are stale.
    if (!this.rooms.has(msg.room)) return;
    switch (msg.type) {
      case 'peers':
        this.confirmed.add(msg.room);
        this.events.emit('peers', msg.room, msg.peers);
        return;
      case 'peer-joined':
        this.events.emit('peerJoined', msg.room, msg.peerId);
        return;
      case 'peer-left':
        this.events.emit('peerLeft', msg.room, msg.peerId);
        return;
      case 'signal':
        this.events.emit('signal', msg.room, msg.from, msg.data);
        return;
    }
  }

  /**
   * After a quick reconnect the server may still hold our previous socket
   * (until its heartbeat notices), so it refuses our peer id; try again later.
   */
  private scheduleRejoin(): void {
    if (this.rejoinTimer !== null) return;
    this.rejoinTimer = this.setTimer(() => {
      this.rejoinTimer = null;
      for (const room of this.rooms) {
        if (!this.confirmed.has(room)) this.send({ v: 1, type: 'join', room, peerId: this.opts.peerId });
      }
    }, this.backoffMs(this.rejoinAttempt++));
  }

  private send(msg: ClientMessage): boolean {
    const socket = this.socket;
    if (!socket || socket.readyState !== OPEN) return false;
    socket.send(encode(msg));
    return true;
  }

  /**
   * Exponential backoff with jitter between the minimum and a ceiling that
   * doubles per attempt. Even the first retry is jittered (ceiling 2 × min):
   * when a server dies, all its clients notice at once.
   */
  private backoffMs(attempt: number): number {
    const min = this.opts.minBackoffMs ?? DEFAULT_MIN_BACKOFF_MS;
    const max = this.opts.maxBackoffMs ?? DEFAULT_MAX_BACKOFF_MS;
    const ceiling = Math.min(max, min * 2 ** Math.min(attempt + 1, 30));
    return min + this.opts.random() * (ceiling - min);
  }

  private cancelTimers(): void {
    if (this.reconnectTimer !== null) this.clearTimer(this.reconnectTimer);
    if (this.rejoinTimer !== null) this.clearTimer(this.rejoinTimer);
    this.reconnectTimer = this.rejoinTimer = null;
  }

  private setStatus(status: SignalingStatus): void {
    if (this.currentStatus === status) return;
    this.currentStatus = status;
    this.events.emit('status', status);
  }
}
