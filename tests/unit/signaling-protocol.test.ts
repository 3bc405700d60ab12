import { describe, expect, it } from 'vitest';
import {
  MAX_FRAME_BYTES,
  MAX_PEERS_LISTED,
  MAX_SIGNAL_DATA_BYTES,
  MAX_RECONNECT_WITHIN_MS,
  SignalingProtocolError,
  encode,
  parseClientMessage,
  parseIceServers,
  parseServerMessage,
  type ClientMessage,
  type ServerMessage,
  type SignalingErrorCode,
} from '../../src/swarm/signaling-protocol.ts';

const ROOM = 'q1w2e3r4t5y6u7i8o9p0-_AZaz';
const PEER_A = '0123456789abcdef0123456789abcdef';
const PEER_B = 'fedcba9876543210fedcba9876543210';
const SDP = { type: 'offer', sdp: 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n' };

function expectError(result: unknown, code: SignalingErrorCode): SignalingProtocolError {
  expect(result).toBeInstanceOf(SignalingProtocolError);
  const error = result as SignalingProtocolError;
  expect(error.code).toBe(code);
  return error;
}

function withField(base: object, field: string, value: unknown): string {
  return JSON.stringify({ ...base, [field]: value });
}

describe('parseClientMessage accepts', () => {
  const valid: ClientMessage[] = [
    { v: 1, type: 'join', room: ROOM, peerId: PEER_A },
    { v: 1, type: 'join', room: 'a'.repeat(16), peerId: PEER_A },
    { v: 1, type: 'join', room: 'a'.repeat(128), peerId: PEER_A },
    { v: 1, type: 'leave', room: ROOM },
    { v: 1, type: 'signal', room: ROOM, to: PEER_B, data: SDP },
    { v: 1, type: 'signal', room: ROOM, to: PEER_B, data: { candidate: { candidate: 'a', sdpMLineIndex: 0 } } },
  ];
  it.each(valid.map((m) => [m.type, m] as const))('%s round-trips through encode', (_type, msg) => {
    expect(parseClientMessage(encode(msg))).toEqual(msg);
  });

  it('signal data right at the limit', () => {
    const filler = 'x'.repeat(MAX_SIGNAL_DATA_BYTES - JSON.stringify({ s: '' }).length);
    const msg: ClientMessage = { v: 1, type: 'signal', room: ROOM, to: PEER_B, data: { s: filler } };
    expect(parseClientMessage(encode(msg))).toEqual(msg);
  });
});

describe('parseClientMessage rejects', () => {
  const join = { v: 1, type: 'join', room: ROOM, peerId: PEER_A };
  const signal = { v: 1, type: 'signal', room: ROOM, to: PEER_B, data: SDP };
  const cases: [string, string, SignalingErrorCode][] = [
    ['malformed JSON', '{"v":1,', 'bad-json'],
    ['empty string', '', 'bad-json'],
    ['an array at top level', JSON.stringify([join]), 'bad-message'],
    ['null at top level', 'null', 'bad-message'],
    ['a number at top level', '42', 'bad-message'],
    ['a string at top level', '"join"', 'bad-message'],
    ['wrong version', withField(join, 'v', 2), 'unsupported-version'],
    ['version as string', withField(join, 'v', '1'), 'unsupported-version'],
    ['missing version', JSON.stringify({ type: 'join', room: ROOM, peerId: PEER_A }), 'unsupported-version'],
    ['missing type', JSON.stringify({ v: 1, room: ROOM }), 'bad-message'],
    ['numeric type', withField(join, 'type', 3), 'bad-message'],
    ['unknown type', withField(join, 'type', 'hello'), 'unknown-type'],
    ['a server-only type', JSON.stringify({ v: 1, type: 'welcome', iceServers: [] }), 'unknown-type'],
    ['room too short', withField(join, 'room', 'a'.repeat(15)), 'bad-message'],
    ['room too long', withField(join, 'room', 'a'.repeat(129)), 'bad-message'],
    ['room with bad characters', withField(join, 'room', 'a'.repeat(16) + '/..'), 'bad-message'],
    ['room as number', withField(join, 'room', 1234567890123456), 'bad-message'],
    ['peer id too long', withField(join, 'peerId', PEER_A + '0'), 'bad-message'],
    ['peer id too short', withField(join, 'peerId', PEER_A.slice(1)), 'bad-message'],
    ['peer id uppercase', withField(join, 'peerId', PEER_A.toUpperCase()), 'bad-message'],
    ['peer id as array', withField(join, 'peerId', [PEER_A]), 'bad-message'],
    ['missing peer id', JSON.stringify({ v: 1, type: 'join', room: ROOM }), 'bad-message'],
    ['an extra field', withField(join, 'admin', true), 'bad-message'],
    ['signal without data', JSON.stringify({ v: 1, type: 'signal', room: ROOM, to: PEER_B }), 'bad-message'],
    ['signal data as string', withField(signal, 'data', 'v=0'), 'bad-message'],
    ['signal data as array', withField(signal, 'data', [SDP]), 'bad-message'],
    ['signal data null', withField(signal, 'data', null), 'bad-message'],
    ['signal to a bad peer id', withField(signal, 'to', 'me'), 'bad-message'],
    ['signal with from instead of to', JSON.stringify({ v: 1, type: 'signal', room: ROOM, from: PEER_B, data: SDP }), 'bad-message'],
    ['oversized signal data', withField(signal, 'data', { s: 'x'.repeat(MAX_SIGNAL_DATA_BYTES) }), 'too-large'],
    ['multi-byte data over the byte limit', withField(signal, 'data', { s: 'é'.repeat(MAX_SIGNAL_DATA_BYTES / 2) }), 'too-large'],
    ['an oversized frame', withField(join, 'pad', 'x'.repeat(MAX_FRAME_BYTES)), 'too-large'],
  ];
  it.each(cases)('%s', (_name, raw, code) => {
    expectError(parseClientMessage(raw), code);
  });

  it('names the offending type in ref only when it is readable', () => {
    expect(expectError(parseClientMessage(withField(join, 'peerId', 'x')), 'bad-message').ref).toBe('join');
    expect(expectError(parseClientMessage(withField(join, 'type', 'x'.repeat(200))), 'unknown-type').ref).toBeUndefined();
    expect(expectError(parseClientMessage(withField(join, 'type', '<script>')), 'unknown-type').ref).toBeUndefined();
  });

  it('random strings only ever parse or return an error', () => {
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const alphabet = '{}[]":,1vtypejoinroomsignal \\0a-_';
    for (let n = 0; n < 2000; n++) {
      let raw = '';
      const len = Math.floor(rand() * 40);
      for (let i = 0; i < len; i++) raw += alphabet[Math.floor(rand() * alphabet.length)];
      const result = parseClientMessage(raw);
      expect(result instanceof SignalingProtocolError || typeof result === 'object').toBe(true);
    }
  });
});

describe('parseServerMessage', () => {
  const valid: ServerMessage[] = [
    { v: 1, type: 'welcome', iceServers: [] },
    {
      v: 1,
      type: 'welcome',
      iceServers: [
        { urls: 'stun:127.0.0.1:3478' },
        { urls: ['turn:127.0.0.1:3478?transport=udp', 'turn:127.0.0.1:3478?transport=tcp'], username: 'u', credential: 'p' },
      ],
    },
    { v: 1, type: 'peers', room: ROOM, peers: [] },
    { v: 1, type: 'peers', room: ROOM, peers: [PEER_A, PEER_B] },
    { v: 1, type: 'peer-joined', room: ROOM, peerId: PEER_A },
    { v: 1, type: 'peer-left', room: ROOM, peerId: PEER_A },
    { v: 1, type: 'signal', room: ROOM, from: PEER_A, data: SDP },
    { v: 1, type: 'error', code: 'unknown-peer', message: 'no such peer' },
    { v: 1, type: 'error', code: 'bad-json', message: 'nope', ref: 'signal' },
    { v: 1, type: 'error', code: 'too-many-sockets', message: 'at most 32 sockets per address' },
    { v: 1, type: 'error', code: 'origin-not-allowed', message: 'no' },
    { v: 1, type: 'error', code: 'unavailable', message: 'later', ref: 'join' },
    { v: 1, type: 'reconnect', withinMs: 0 },
    { v: 1, type: 'reconnect', withinMs: MAX_RECONNECT_WITHIN_MS },
  ];
  it.each(valid.map((m) => [m.type, m] as const))('accepts %s', (_type, msg) => {
    expect(parseServerMessage(encode(msg))).toEqual(msg);
  });

  const peers = { v: 1, type: 'peers', room: ROOM, peers: [PEER_A] };
  const cases: [string, string, SignalingErrorCode][] = [
    ['malformed JSON', '{', 'bad-json'],
    ['array at top level', '[]', 'bad-message'],
    ['null at top level', 'null', 'bad-message'],
    ['wrong version', JSON.stringify({ v: 0, type: 'welcome', iceServers: [] }), 'unsupported-version'],
    ['a client-only type', JSON.stringify({ v: 1, type: 'join', room: ROOM, peerId: PEER_A }), 'unknown-type'],
    ['peers not an array', withField(peers, 'peers', PEER_A), 'bad-message'],
    ['a bad id among peers', withField(peers, 'peers', [PEER_A, 'nope']), 'bad-message'],
    ['too many peers', withField(peers, 'peers', Array(MAX_PEERS_LISTED + 1).fill(PEER_A)), 'bad-message'],
    ['welcome with iceServers object', JSON.stringify({ v: 1, type: 'welcome', iceServers: {} }), 'bad-message'],
    ['ice server without urls', JSON.stringify({ v: 1, type: 'welcome', iceServers: [{ username: 'u' }] }), 'bad-message'],
    ['ice server with empty urls', JSON.stringify({ v: 1, type: 'welcome', iceServers: [{ urls: [] }] }), 'bad-message'],
    ['ice server with numeric credential', JSON.stringify({ v: 1, type: 'welcome', iceServers: [{ urls: 'stun:x', credential: 1 }] }), 'bad-message'],
    ['an unknown error code', JSON.stringify({ v: 1, type: 'error', code: 'oops', message: 'm' }), 'bad-message'],
    ['an error without message', JSON.stringify({ v: 1, type: 'error', code: 'bad-json' }), 'bad-message'],
    ['an error with a junk ref', JSON.stringify({ v: 1, type: 'error', code: 'bad-json', message: 'm', ref: '<b>' }), 'bad-message'],
    ['reconnect without withinMs', JSON.stringify({ v: 1, type: 'reconnect' }), 'bad-message'],
    ['reconnect with a negative window', JSON.stringify({ v: 1, type: 'reconnect', withinMs: -1 }), 'bad-message'],
    ['reconnect with a fractional window', JSON.stringify({ v: 1, type: 'reconnect', withinMs: 1.5 }), 'bad-message'],
    ['reconnect with a huge window', JSON.stringify({ v: 1, type: 'reconnect', withinMs: MAX_RECONNECT_WITHIN_MS + 1 }), 'bad-message'],
    ['reconnect with a string window', JSON.stringify({ v: 1, type: 'reconnect', withinMs: '5' }), 'bad-message'],
    ['signal with to instead of from', JSON.stringify({ v: 1, type: 'signal', room: ROOM, to: PEER_A, data: SDP }), 'bad-message'],
    ['oversized signal data', JSON.stringify({ v: 1, type: 'signal', room: ROOM, from: PEER_A, data: { s: 'x'.repeat(MAX_SIGNAL_DATA_BYTES) } }), 'too-large'],
  ];
  it.each(cases)('rejects %s', (_name, raw, code) => {
    expectError(parseServerMessage(raw), code);
  });
});

describe('parseIceServers', () => {
  it('copies only the known fields of a valid list', () => {
    expect(parseIceServers([{ urls: ['stun:a'], username: 'u' }])).toEqual([{ urls: ['stun:a'], username: 'u' }]);
  });
  it('rejects unknown fields and non-arrays', () => {
    expectError(parseIceServers([{ urls: 'stun:a', extra: 1 }]), 'bad-message');
    expectError(parseIceServers('stun:a'), 'bad-message');
    expectError(parseIceServers(null), 'bad-message');
  });
});
