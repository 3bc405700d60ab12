import type { IceServer, SignalData } from './transport.ts';
import { CodedError } from '../coded-error.ts';

/**
 * Signaling wire format: small versioned JSON objects over one WebSocket.
 * Both ends parse with the functions below; neither trusts the other.
 */

export const PROTOCOL_VERSION = 1;
/** Largest text frame either side accepts, in UTF-8 bytes. */
export const MAX_FRAME_BYTES = 64 * 1024;
/** Largest serialised `data` of one signal, in UTF-8 bytes. */
export const MAX_SIGNAL_DATA_BYTES = 16 * 1024;
/** Longest peer list a `peers` message may carry. */
export const MAX_PEERS_LISTED = 1024;
export const MAX_ICE_SERVERS = 16;
export const MAX_ICE_URLS = 16;
export const MAX_ICE_FIELD_CHARS = 1024;
export const MAX_ERROR_MESSAGE_CHARS = 1024;
export const ROOM_ID_MIN_CHARS = 16;
export const ROOM_ID_MAX_CHARS = 128;
/** Longest spread a server may ask reconnecting clients to scatter over. */
export const MAX_RECONNECT_WITHIN_MS = 5 * 60_000;

/** A swarm id, base64url. */
export type RoomId = string;
/** 32 lowercase hex characters. */
export type PeerId = string;

export type SignalingErrorCode =
  | 'bad-json'
  | 'bad-message'
  | 'unsupported-version'
  | 'unknown-type'
  | 'too-large'
  | 'not-in-room'
  | 'unknown-peer'
  | 'peer-id-taken'
  | 'peer-id-mismatch'
  | 'too-many-rooms'
  | 'rate-limited'
  | 'too-many-sockets'
  | 'origin-not-allowed'
  | 'unavailable';

const ERROR_CODES: ReadonlySet<string> = new Set<SignalingErrorCode>([
  'bad-json',
  'bad-message',
  'unsupported-version',
  'unknown-type',
  'too-large',
  'not-in-room',
  'unknown-peer',
  'peer-id-taken',
  'peer-id-mismatch',
  'too-many-rooms',
  'rate-limited',
  'too-many-sockets',
  'origin-not-allowed',
  'unavailable',
]);

export class SignalingProtocolError extends CodedError<SignalingErrorCode> {
  override name = 'SignalingProtocolError';
  constructor(
    code: SignalingErrorCode,
    message: string,
    /** The `type` of the offending message, when it had a readable one. */
    readonly ref?: string,
  ) {
    super(code, message);
  }
}

export interface JoinMessage {
  v: 1;
  type: 'join';
  room: RoomId;
  peerId: PeerId;
}
export interface LeaveMessage {
  v: 1;
  type: 'leave';
  room: RoomId;
}
export interface SignalToMessage {
  v: 1;
  type: 'signal';
  room: RoomId;
  to: PeerId;
  data: SignalData;
}
export type ClientMessage = JoinMessage | LeaveMessage | SignalToMessage;

export interface WelcomeMessage {
  v: 1;
  type: 'welcome';
  iceServers: IceServer[];
}
export interface PeersMessage {
  v: 1;
  type: 'peers';
  room: RoomId;
  peers: PeerId[];
}
export interface PeerJoinedMessage {
  v: 1;
  type: 'peer-joined';
  room: RoomId;
  peerId: PeerId;
}
export interface PeerLeftMessage {
  v: 1;
  type: 'peer-left';
  room: RoomId;
  peerId: PeerId;
}
export interface SignalFromMessage {
  v: 1;
  type: 'signal';
  room: RoomId;
  from: PeerId;
  data: SignalData;
}
export interface ErrorMessage {
  v: 1;
  type: 'error';
  code: SignalingErrorCode;
  message: string;
  ref?: string;
}
/**
 * The server is going away (shutdown, deploy): reconnect after a random delay
 * in [0, withinMs), so that its clients do not all return in the same instant.
 */
export interface ReconnectMessage {
  v: 1;
  type: 'reconnect';
  withinMs: number;
}
export type ServerMessage =
  | WelcomeMessage
  | ReconnectMessage
  | PeersMessage
  | PeerJoinedMessage
  | PeerLeftMessage
  | SignalFromMessage
  | ErrorMessage;

const ROOM_ID_PATTERN = /^[A-Za-z0-9_-]+$/;
const PEER_ID_PATTERN = /^[0-9a-f]{32}$/;
// Only echo a `type` back as `ref` when it looks like one of ours, so replies never carry junk.
const REF_PATTERN = /^[a-z-]{1,32}$/;

export function isRoomId(value: unknown): value is RoomId {
  return (
    typeof value === 'string' &&
    value.length >= ROOM_ID_MIN_CHARS &&
    value.length <= ROOM_ID_MAX_CHARS &&
    ROOM_ID_PATTERN.test(value)
  );
}

export function isPeerId(value: unknown): value is PeerId {
  return typeof value === 'string' && PEER_ID_PATTERN.test(value);
}

export function encode(msg: ClientMessage | ServerMessage): string {
  return JSON.stringify(msg);
}

const encoder = new TextEncoder();

function exceedsBytes(text: string, limitBytes: number): boolean {
  // A UTF-16 code unit takes 1 to 3 UTF-8 bytes, so most strings are decided by length alone,
  // and only those in between pay for encoding (this runs on every relayed signal).
  if (text.length > limitBytes) return true;
  if (text.length * 3 <= limitBytes) return false;
  return encoder.encode(text).length > limitBytes;
}

type Fields = Record<string, unknown>;

function isPlainObject(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

class Reader {
  constructor(
    private readonly fields: Fields,
    private readonly ref: string | undefined,
  ) {}

  fail(message: string, code: SignalingErrorCode = 'bad-message'): SignalingProtocolError {
    return new SignalingProtocolError(code, message, this.ref);
  }

  /** The message must have exactly these keys (besides `v` and `type`). */
  onlyKeys(required: string[], optional: string[] = []): SignalingProtocolError | null {
    const allowed = new Set(['v', 'type', ...required, ...optional]);
    for (const key of Object.keys(this.fields)) {
      if (!allowed.has(key)) return this.fail(`unexpected field "${key}"`);
    }
    for (const key of required) {
      if (!Object.hasOwn(this.fields, key)) return this.fail(`missing field "${key}"`);
    }
    return null;
  }

  room(): RoomId | SignalingProtocolError {
    const room = this.fields.room;
    return isRoomId(room)
      ? room
      : this.fail(`"room" must be ${ROOM_ID_MIN_CHARS}..${ROOM_ID_MAX_CHARS} base64url characters`);
  }

  peerId(key: string): PeerId | SignalingProtocolError {
    const id = this.fields[key];
    return isPeerId(id) ? id : this.fail(`"${key}" must be 32 lowercase hex characters`);
  }

  data(): SignalData | SignalingProtocolError {
    const data = this.fields.data;
    if (!isPlainObject(data)) return this.fail('"data" must be a JSON object');
    if (exceedsBytes(JSON.stringify(data), MAX_SIGNAL_DATA_BYTES)) {
      return this.fail(`"data" exceeds ${MAX_SIGNAL_DATA_BYTES} bytes`, 'too-large');
    }
    return data;
  }
}

/** Parses the envelope shared by both directions: size, JSON, object, version, type. */
function readEnvelope(raw: string): { type: string; fields: Fields; reader: Reader } | SignalingProtocolError {
  if (exceedsBytes(raw, MAX_FRAME_BYTES)) {
    return new SignalingProtocolError('too-large', `frame exceeds ${MAX_FRAME_BYTES} bytes`);
  }
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (error) {
    return new SignalingProtocolError('bad-json', `not JSON: ${(error as Error).message}`);
  }
  if (!isPlainObject(value)) return new SignalingProtocolError('bad-message', 'message must be a JSON object');
  const type = value.type;
  const ref = typeof type === 'string' && REF_PATTERN.test(type) ? type : undefined;
  if (value.v !== PROTOCOL_VERSION) {
    return new SignalingProtocolError('unsupported-version', `expected "v": ${PROTOCOL_VERSION}`, ref);
  }
  if (typeof type !== 'string') return new SignalingProtocolError('bad-message', '"type" must be a string');
  return { type, fields: value, reader: new Reader(value, ref) };
}

export function parseClientMessage(raw: string): ClientMessage | SignalingProtocolError {
  const envelope = readEnvelope(raw);
  if (envelope instanceof SignalingProtocolError) return envelope;
  const { type, reader: r } = envelope;
  switch (type) {
    case 'join': {
      const room = r.onlyKeys(['room', 'peerId']) ?? r.room();
      if (room instanceof SignalingProtocolError) return room;
      const peerId = r.peerId('peerId');
      if (peerId instanceof SignalingProtocolError) return peerId;
      return { v: 1, type, room, peerId };
    }
    case 'leave': {
      const room = r.onlyKeys(['room']) ?? r.room();
      if (room instanceof SignalingProtocolError) return room;
      return { v: 1, type, room };
    }
    case 'signal': {
      const room = r.onlyKeys(['room', 'to', 'data']) ?? r.room();
      if (room instanceof SignalingProtocolError) return room;
      const to = r.peerId('to');
      if (to instanceof SignalingProtocolError) return to;
      const data = r.data();
      if (data instanceof SignalingProtocolError) return data;
      return { v: 1, type, room, to, data };
    }
    default:
      return r.fail(`unknown message type "${type.slice(0, 32)}"`, 'unknown-type');
  }
}

export function parseServerMessage(raw: string): ServerMessage | SignalingProtocolError {
  const envelope = readEnvelope(raw);
  if (envelope instanceof SignalingProtocolError) return envelope;
  const { type, fields, reader: r } = envelope;
  switch (type) {
    case 'welcome': {
      const missing = r.onlyKeys(['iceServers']);
      if (missing) return missing;
      const iceServers = parseIceServers(fields.iceServers);
      return iceServers instanceof SignalingProtocolError ? r.fail(iceServers.message) : { v: 1, type, iceServers };
    }
    case 'reconnect': {
      const missing = r.onlyKeys(['withinMs']);
      if (missing) return missing;
      const withinMs = fields.withinMs;
      if (typeof withinMs !== 'number' || !Number.isInteger(withinMs) || withinMs < 0 || withinMs > MAX_RECONNECT_WITHIN_MS) {
        return r.fail(`"withinMs" must be an integer 0..${MAX_RECONNECT_WITHIN_MS}`);
      }
      return { v: 1, type, withinMs };
    }
    case 'peers': {
      const room = r.onlyKeys(['room', 'peers']) ?? r.room();
      if (room instanceof SignalingProtocolError) return room;
      const peers = fields.peers;
      if (!Array.isArray(peers) || peers.length > MAX_PEERS_LISTED || !peers.every(isPeerId)) {
        return r.fail(`"peers" must be an array of at most ${MAX_PEERS_LISTED} peer ids`);
      }
      return { v: 1, type, room, peers: peers as PeerId[] };
    }
    case 'peer-joined':
    case 'peer-left': {
      const room = r.onlyKeys(['room', 'peerId']) ?? r.room();
      if (room instanceof SignalingProtocolError) return room;
      const peerId = r.peerId('peerId');
      if (peerId instanceof SignalingProtocolError) return peerId;
      return { v: 1, type, room, peerId };
    }
    case 'signal': {
      const room = r.onlyKeys(['room', 'from', 'data']) ?? r.room();
      if (room instanceof SignalingProtocolError) return room;
      const from = r.peerId('from');
      if (from instanceof SignalingProtocolError) return from;
      const data = r.data();
      if (data instanceof SignalingProtocolError) return data;
      return { v: 1, type, room, from, data };
    }
    case 'error': {
      const missing = r.onlyKeys(['code', 'message'], ['ref']);
      if (missing) return missing;
      const { code, message, ref } = fields;
      if (typeof code !== 'string' || !ERROR_CODES.has(code)) return r.fail('"code" is not a known error code');
      if (typeof message !== 'string' || message.length > MAX_ERROR_MESSAGE_CHARS) {
        return r.fail(`"message" must be a string of at most ${MAX_ERROR_MESSAGE_CHARS} characters`);
      }
      if (ref === undefined) return { v: 1, type, code: code as SignalingErrorCode, message };
      if (typeof ref !== 'string' || !REF_PATTERN.test(ref)) return r.fail('"ref" must be a message type');
      return { v: 1, type, code: code as SignalingErrorCode, message, ref };
    }
    default:
      return r.fail(`unknown message type "${type.slice(0, 32)}"`, 'unknown-type');
  }
}

function isBoundedString(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_ICE_FIELD_CHARS;
}

/** Validates an RTCIceServer-like list (from the server's welcome or its own configuration). */
export function parseIceServers(value: unknown): IceServer[] | SignalingProtocolError {
  const fail = (message: string) => new SignalingProtocolError('bad-message', message);
  if (!Array.isArray(value) || value.length > MAX_ICE_SERVERS) {
    return fail(`"iceServers" must be an array of at most ${MAX_ICE_SERVERS} entries`);
  }
  const servers: IceServer[] = [];
  for (const entry of value as unknown[]) {
    if (!isPlainObject(entry)) return fail('each ICE server must be an object');
    for (const key of Object.keys(entry)) {
      if (key !== 'urls' && key !== 'username' && key !== 'credential') return fail(`unexpected ICE server field "${key}"`);
    }
    const { urls, username, credential } = entry;
    const urlsOk = Array.isArray(urls)
      ? urls.length > 0 && urls.length <= MAX_ICE_URLS && urls.every(isBoundedString)
      : isBoundedString(urls);
    if (!urlsOk) return fail(`ICE server "urls" must be a URL or 1..${MAX_ICE_URLS} URLs`);
    if (username !== undefined && !isBoundedString(username)) return fail('ICE server "username" must be a string');
    if (credential !== undefined && !isBoundedString(credential)) return fail('ICE server "credential" must be a string');
    const server: IceServer = { urls: Array.isArray(urls) ? [...(urls as string[])] : (urls as string) };
    if (username !== undefined) server.username = username;
    if (credential !== undefined) server.credential = credential;
    servers.push(server);
  }
  return servers;
}
