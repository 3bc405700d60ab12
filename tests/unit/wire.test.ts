import { describe, expect, it } from 'vitest';
import {
  BLOCK_BYTES,
  BLOCK_FRAME_BYTES,
  MAX_FRAME_BYTES,
  MAX_REQUEST_BYTES,
  PROTOCOL_VERSION,
  WireError,
  decodeMessage,
  encodeMessage,
  tagOf,
  type WireErrorCode,
  type WireMessage,
} from '../../src/swarm/wire.ts';
import { MAX_MANIFEST_BYTES } from '../../src/chunks/manifest.ts';
import { seededRandom } from '../support/content.ts';

function filled(length: number, start: number): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => (start + i) & 0xff);
}

/** Little-endian u32 bytes, written out by hand so the tests do not trust the codec's DataView use. */
function u32(n: number): number[] {
  return [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff];
}

function frame(...parts: (number | number[] | Uint8Array)[]): Uint8Array {
  const chunks = parts.map((part) => (typeof part === 'number' ? [part] : part));
  const bytes = new Uint8Array(chunks.reduce((sum, chunk) => sum + chunk.length, 0));
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.length;
  }
  return bytes;
}

const PIECES = 20;
const ctx = { pieceCount: PIECES };
const swarmId = filled(32, 1);
const peerId = filled(16, 100);

/** Every message type, with the exact bytes it must encode to. */
const EXAMPLES: { message: WireMessage; bytes: Uint8Array }[] = [
  {
    message: { type: 'handshake', version: PROTOCOL_VERSION, swarmId, peerId },
    bytes: frame(0, PROTOCOL_VERSION, swarmId, peerId),
  },
  { message: { type: 'metadata-request' }, bytes: frame(1) },
  {
    message: { type: 'metadata', totalBytes: 1000, offset: 990, bytes: filled(10, 7) },
    bytes: frame(2, u32(1000), u32(990), filled(10, 7)),
  },
  { message: { type: 'metadata-reject' }, bytes: frame(3) },
  // 20 pieces: 3 bytes, the last 4 bits spare. Pieces 0, 9 and 19 set (piece 0 = high bit).
  { message: { type: 'bitfield', bits: frame(0x80, 0x40, 0x10) }, bytes: frame(4, 0x80, 0x40, 0x10) },
  { message: { type: 'have', index: 19 }, bytes: frame(5, u32(19)) },
  {
    message: { type: 'request', index: 3, begin: 2 * BLOCK_BYTES, length: BLOCK_BYTES },
    bytes: frame(6, u32(3), u32(2 * BLOCK_BYTES), u32(BLOCK_BYTES)),
  },

  {
    message: { type: 'block', index: 3, begin: 0x01020304, data: filled(300, 9) },
    bytes: frame(7, u32(3), u32(0x01020304), filled(300, 9)),
  },
  {
    message: { type: 'cancel', index: 4, begin: 0, length: 1 },
    bytes: frame(8, u32(4), u32(0), u32(1)),
  },
  {
    message: { type: 'reject', index: 0, begin: BLOCK_BYTES, length: 777 },
    bytes: frame(9, u32(0), u32(BLOCK_BYTES), u32(777)),
  },
  { message: { type: 'interested' }, bytes: frame(10) },
  { message: { type: 'not-interested' }, bytes: frame(11) },
  { message: { type: 'choke' }, bytes: frame(12) },
  { message: { type: 'unchoke' }, bytes: frame(13) },
  { message: { type: 'ping', nonce: 0xdeadbeef }, bytes: frame(14, u32(0xdeadbeef)) },
  { message: { type: 'pong', nonce: 0 }, bytes: frame(15, u32(0)) },
  { message: { type: 'have-all' }, bytes: frame(16) },
  { message: { type: 'allowed-fast', index: 7 }, bytes: frame(17, u32(7)) },
];

/** Byte equality without vitest's deep-equal, which is slow on 256 KiB arrays and inside 20,000-frame loops. */
function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

function expectWireError(run: () => unknown, code: WireErrorCode): void {
  let thrown: unknown;
  try {
    run();
  } catch (error) {
    thrown = error;
  }
  expect(thrown, `expected WireError(${code})`).toBeInstanceOf(WireError);
  expect((thrown as WireError).code).toBe(code);
}

describe('wire codec round trip', () => {
  it('covers every tag from 0 to 17 exactly once', () => {
    const tags = EXAMPLES.map((e) => e.bytes[0]).sort((a, b) => a! - b!);
    expect(tags).toEqual(Array.from({ length: 18 }, (_, i) => i));
    for (const { message, bytes } of EXAMPLES) expect(tagOf(message.type)).toBe(bytes[0]);
  });

  for (const { message, bytes } of EXAMPLES) {
    it(`encodes ${message.type} to its documented bytes and decodes it back`, () => {
      expect(encodeMessage(message)).toEqual(bytes);
      expect(decodeMessage(bytes, ctx)).toEqual(message);
    });
  }

  it('encodes into a used scratch buffer exactly what it encodes into a new one', () => {
    const scratch = new Uint8Array(BLOCK_FRAME_BYTES).fill(0xff);
    for (const { message, bytes } of EXAMPLES) {
      const encoded = encodeMessage(message, scratch);
      expect(encoded.buffer, message.type).toBe(scratch.buffer);
      expect(sameBytes(encoded, bytes), message.type).toBe(true);
    }
  });

  it('encodes a frame too large for the scratch buffer into a new one, leaving the scratch alone', () => {
    const scratch = new Uint8Array(8).fill(0xee);
    const { message, bytes } = EXAMPLES.find((e) => e.message.type === 'handshake')!;
    const encoded = encodeMessage(message, scratch);
    expect(encoded.buffer).not.toBe(scratch.buffer);
    expect(sameBytes(encoded, bytes)).toBe(true);
    expect(scratch.every((b) => b === 0xee)).toBe(true);
  });

  it('a request may name a run of blocks up to MAX_REQUEST_BYTES', () => {
    const run: WireMessage = { type: 'request', index: 3, begin: BLOCK_BYTES, length: MAX_REQUEST_BYTES };
    const bytes = frame(6, u32(3), u32(BLOCK_BYTES), u32(MAX_REQUEST_BYTES));
    expect(encodeMessage(run)).toEqual(bytes);
    expect(decodeMessage(bytes, ctx)).toEqual(run);
  });

  it('decodes a frame that is a view into a larger buffer', () => {
    const backing = new Uint8Array(64).fill(0xee);
    const encoded = encodeMessage({ type: 'request', index: 7, begin: BLOCK_BYTES, length: 5 });
    backing.set(encoded, 11);
    const view = backing.subarray(11, 11 + encoded.byteLength);
    expect(decodeMessage(view, ctx)).toEqual({ type: 'request', index: 7, begin: BLOCK_BYTES, length: 5 });
  });

  it('returns block data as a view into the frame, not a copy', () => {
    const bytes = encodeMessage({ type: 'block', index: 1, begin: 0, data: filled(BLOCK_BYTES, 3) });
    const decoded = decodeMessage(bytes, ctx);
    if (decoded.type !== 'block') throw new Error(`decoded ${decoded.type}`);
    expect(decoded.data.buffer).toBe(bytes.buffer);
    expect(decoded.data.byteOffset).toBe(9);
    expect(sameBytes(decoded.data, filled(BLOCK_BYTES, 3))).toBe(true);
  });

  it('handshake ids do not alias the frame', () => {
    const bytes = encodeMessage(EXAMPLES[0]!.message);
    const decoded = decodeMessage(bytes, ctx);
    bytes.fill(0);
    if (decoded.type !== 'handshake') throw new Error(`decoded ${decoded.type}`);
    expect(decoded.swarmId).toEqual(swarmId);
    expect(decoded.peerId).toEqual(peerId);
  });

  it('accepts the largest block that fits in a frame', () => {
    const data = filled(MAX_FRAME_BYTES - 9, 0);
    const bytes = encodeMessage({ type: 'block', index: 0, begin: 0, data });
    expect(bytes.byteLength).toBe(MAX_FRAME_BYTES);
    const decoded = decodeMessage(bytes, ctx);
    if (decoded.type !== 'block') throw new Error(`decoded ${decoded.type}`);
    expect([decoded.index, decoded.begin]).toEqual([0, 0]);
    expect(sameBytes(decoded.data, data)).toBe(true);
  });

  it('accepts a bitfield whose piece count is a multiple of 8 with every bit set', () => {
    const bits = new Uint8Array(2).fill(0xff);
    expect(decodeMessage(frame(4, bits), { pieceCount: 16 })).toEqual({ type: 'bitfield', bits });
    expect(decodeMessage(frame(4), { pieceCount: 0 })).toEqual({ type: 'bitfield', bits: new Uint8Array(0) });
  });

  it('accepts a have and block-level messages with any index before the manifest is known', () => {
    const early = { pieceCount: null };
    expect(decodeMessage(frame(5, u32(0xffffffff)), early)).toEqual({ type: 'have', index: 0xffffffff });
    expect(decodeMessage(frame(6, u32(500), u32(0), u32(1)), early)).toMatchObject({ index: 500 });
  });

  it('accepts a metadata chunk that ends exactly at the largest total', () => {
    const bytes = frame(2, u32(MAX_MANIFEST_BYTES), u32(MAX_MANIFEST_BYTES - 1), [42]);
    expect(decodeMessage(bytes, ctx)).toMatchObject({ totalBytes: MAX_MANIFEST_BYTES, offset: MAX_MANIFEST_BYTES - 1 });
  });
});

describe('wire decoder rejects malformed frames', () => {
  const cases: { name: string; bytes: Uint8Array; code: WireErrorCode; pieceCount?: number | null }[] = [
    { name: 'empty frame', bytes: frame(), code: 'empty' },
    { name: 'unknown tag 18', bytes: frame(18), code: 'unknown-tag' },
    { name: 'unknown tag 255', bytes: frame(255, 0, 0), code: 'unknown-tag' },
    { name: 'frame over 256 KiB', bytes: new Uint8Array(MAX_FRAME_BYTES + 1).fill(7), code: 'too-large' },
    { name: 'block frame over 256 KiB', bytes: frame(7, u32(0), u32(0), new Uint8Array(MAX_FRAME_BYTES - 8)), code: 'too-large' },
    // handshake
    { name: 'handshake truncated', bytes: frame(0, PROTOCOL_VERSION, swarmId, peerId.subarray(1)), code: 'bad-length' },
    { name: 'handshake one byte too long', bytes: frame(0, PROTOCOL_VERSION, swarmId, peerId, 0), code: 'bad-length' },
    { name: 'handshake tag only', bytes: frame(0), code: 'bad-length' },
    { name: 'handshake version 0', bytes: frame(0, 0, swarmId, peerId), code: 'bad-version' },
    { name: 'handshake version 1 (single-block requests)', bytes: frame(0, 1, swarmId, peerId), code: 'bad-version' },
    { name: 'handshake version 2 (no allowed-fast)', bytes: frame(0, 2, swarmId, peerId), code: 'bad-version' },
    { name: 'handshake version 3 (16 KiB blocks)', bytes: frame(0, 3, swarmId, peerId), code: 'bad-version' },
    { name: 'handshake version 5', bytes: frame(0, 5, swarmId, peerId), code: 'bad-version' },
    // one-byte messages
    ...[1, 3, 10, 11, 12, 13, 16].map((tag) => ({
      name: `tag ${tag} with a trailing byte`,
      bytes: frame(tag, 0),
      code: 'bad-length' as const,
    })),
    // metadata
    { name: 'metadata truncated header', bytes: frame(2, u32(10), [0, 0, 0]), code: 'bad-length' },
    { name: 'metadata with empty chunk', bytes: frame(2, u32(10), u32(0)), code: 'bad-field' },
    { name: 'metadata total 0', bytes: frame(2, u32(0), u32(0), [1]), code: 'bad-field' },
    { name: 'metadata total over 4 MiB', bytes: frame(2, u32(MAX_MANIFEST_BYTES + 1), u32(0), [1]), code: 'bad-field' },
    { name: 'metadata offset past total', bytes: frame(2, u32(10), u32(11), [1]), code: 'bad-field' },
    { name: 'metadata chunk runs past total', bytes: frame(2, u32(10), u32(8), [1, 2, 3]), code: 'bad-field' },
    { name: 'metadata offset+len overflows u32', bytes: frame(2, u32(10), u32(0xffffffff), [1]), code: 'bad-field' },
    // bitfield
    { name: 'bitfield before manifest', bytes: frame(4, 0, 0, 0), code: 'bad-field', pieceCount: null },
    { name: 'empty bitfield before manifest', bytes: frame(4), code: 'bad-field', pieceCount: null },
    { name: 'bitfield one byte short', bytes: frame(4, 0, 0), code: 'bad-field' },
    { name: 'bitfield one byte long', bytes: frame(4, 0, 0, 0, 0), code: 'bad-field' },
    { name: 'bitfield lowest spare bit set', bytes: frame(4, 0, 0, 0x01), code: 'bad-field' },
    { name: 'bitfield highest spare bit set', bytes: frame(4, 0, 0, 0x08), code: 'bad-field' },
    { name: 'bitfield spare bit set (1 piece)', bytes: frame(4, 0xc0), code: 'bad-field', pieceCount: 1 },
    // have
    { name: 'have truncated', bytes: frame(5, 1, 0, 0), code: 'bad-length' },
    { name: 'have one byte too long', bytes: frame(5, u32(1), 0), code: 'bad-length' },
    { name: 'have index equal to piece count', bytes: frame(5, u32(PIECES)), code: 'bad-field' },
    { name: 'have index huge', bytes: frame(5, u32(0xffffffff)), code: 'bad-field' },
    // allowed-fast
    { name: 'allowed-fast with no index', bytes: frame(17), code: 'bad-length' },
    { name: 'allowed-fast truncated', bytes: frame(17, 1, 0, 0), code: 'bad-length' },
    { name: 'allowed-fast one byte too long', bytes: frame(17, u32(1), 0), code: 'bad-length' },
    { name: 'allowed-fast index equal to piece count', bytes: frame(17, u32(PIECES)), code: 'bad-field' },
    { name: 'allowed-fast index huge', bytes: frame(17, u32(0xffffffff)), code: 'bad-field' },
    // request / cancel / reject
    ...[6, 8, 9].flatMap((tag) => [
      { name: `tag ${tag} truncated`, bytes: frame(tag, u32(0), u32(0), [1, 0, 0]), code: 'bad-length' as const },
      { name: `tag ${tag} one byte too long`, bytes: frame(tag, u32(0), u32(0), u32(1), 0), code: 'bad-length' as const },
      { name: `tag ${tag} length 0`, bytes: frame(tag, u32(0), u32(0), u32(0)), code: 'bad-field' as const },
      {
        name: `tag ${tag} length over ${tag === 6 ? 'MAX_REQUEST_BYTES' : 'BLOCK_BYTES'}`,
        bytes: frame(tag, u32(0), u32(0), u32((tag === 6 ? MAX_REQUEST_BYTES : BLOCK_BYTES) + 1)),
        code: 'bad-field' as const,
      },
      { name: `tag ${tag} unaligned begin`, bytes: frame(tag, u32(0), u32(1), u32(1)), code: 'bad-field' as const },
      { name: `tag ${tag} index out of range`, bytes: frame(tag, u32(PIECES), u32(0), u32(1)), code: 'bad-field' as const },
    ]),
    // block
    { name: 'block with no data', bytes: frame(7, u32(0), u32(0)), code: 'bad-field' },
    { name: 'block header truncated', bytes: frame(7, u32(0), [0, 0, 0]), code: 'bad-length' },
    { name: 'block index out of range', bytes: frame(7, u32(PIECES), u32(0), [1]), code: 'bad-field' },
    // ping / pong
    ...[14, 15].flatMap((tag) => [
      { name: `tag ${tag} truncated`, bytes: frame(tag, 1, 2, 3), code: 'bad-length' as const },
      { name: `tag ${tag} one byte too long`, bytes: frame(tag, u32(1), 0), code: 'bad-length' as const },
    ]),
  ];

  for (const { name, bytes, code, pieceCount } of cases) {
    it(`${name} → ${code}`, () => {
      expectWireError(() => decodeMessage(bytes, { pieceCount: pieceCount === undefined ? PIECES : pieceCount }), code);
    });
  }

  it('every fixed-size example fails one byte short and one byte long', () => {
    for (const { message, bytes } of EXAMPLES) {
      const variableTail = ['metadata', 'bitfield', 'block'].includes(message.type);
      if (!variableTail) expectWireError(() => decodeMessage(frame(bytes, 0), ctx), 'bad-length');
      if (bytes.byteLength > 1 && !variableTail) {
        expectWireError(() => decodeMessage(bytes.subarray(0, -1), ctx), 'bad-length');
      }
    }
  });
});

describe('wire encoder validates', () => {
  const cases: { name: string; message: WireMessage; code: WireErrorCode }[] = [
    { name: 'block too large', message: { type: 'block', index: 0, begin: 0, data: new Uint8Array(MAX_FRAME_BYTES - 8) }, code: 'too-large' },
    { name: 'empty block', message: { type: 'block', index: 0, begin: 0, data: new Uint8Array(0) }, code: 'bad-field' },
    { name: 'bitfield too large', message: { type: 'bitfield', bits: new Uint8Array(MAX_FRAME_BYTES) }, code: 'too-large' },
    { name: 'metadata chunk too large', message: { type: 'metadata', totalBytes: MAX_MANIFEST_BYTES, offset: 0, bytes: new Uint8Array(MAX_FRAME_BYTES) }, code: 'too-large' },
    { name: 'metadata past total', message: { type: 'metadata', totalBytes: 4, offset: 2, bytes: new Uint8Array(3) }, code: 'bad-field' },
    { name: 'metadata total 0', message: { type: 'metadata', totalBytes: 0, offset: 0, bytes: new Uint8Array(0) }, code: 'bad-field' },
    { name: 'short swarm id', message: { type: 'handshake', version: 1, swarmId: new Uint8Array(31), peerId }, code: 'bad-field' },
    { name: 'long peer id', message: { type: 'handshake', version: 1, swarmId, peerId: new Uint8Array(17) }, code: 'bad-field' },
    { name: 'version over u8', message: { type: 'handshake', version: 256, swarmId, peerId }, code: 'bad-field' },
    { name: 'negative have index', message: { type: 'have', index: -1 }, code: 'bad-field' },
    { name: 'fractional have index', message: { type: 'have', index: 1.5 }, code: 'bad-field' },
    { name: 'negative allowed-fast index', message: { type: 'allowed-fast', index: -1 }, code: 'bad-field' },
    { name: 'nonce over u32', message: { type: 'ping', nonce: 2 ** 32 }, code: 'bad-field' },
    { name: 'request length 0', message: { type: 'request', index: 0, begin: 0, length: 0 }, code: 'bad-field' },
    { name: 'request length over MAX_REQUEST_BYTES', message: { type: 'request', index: 0, begin: 0, length: MAX_REQUEST_BYTES + 1 }, code: 'bad-field' },
    { name: 'cancel length over BLOCK_BYTES', message: { type: 'cancel', index: 0, begin: 0, length: BLOCK_BYTES + 1 }, code: 'bad-field' },
    { name: 'cancel unaligned begin', message: { type: 'cancel', index: 0, begin: 100, length: 1 }, code: 'bad-field' },
    { name: 'reject NaN index', message: { type: 'reject', index: Number.NaN, begin: 0, length: 1 }, code: 'bad-field' },
  ];
  for (const { name, message, code } of cases) {
    it(`${name} → ${code}`, () => expectWireError(() => encodeMessage(message), code));
  }
});

/** Exact sizes of the fixed-size messages (1, 5, 13, 50), each with its neighbours. */
const NEAR_EXACT_SIZES = [0, 1, 2, 4, 5, 6, 12, 13, 14, 49, 50, 51];
const PIECE_COUNTS = [null, 0, 1, 7, 8, 9, 20, 1000];

/**
 * Decodes `bytes`; anything but a WireError fails the test, and whatever
 * decodes must re-encode to the very same bytes. Records what it saw.
 */
function decodeOrWireError(bytes: Uint8Array, pieceCount: number | null, seen: Set<string>): void {
  let message: WireMessage;
  try {
    message = decodeMessage(bytes, { pieceCount });
  } catch (error) {
    if (!(error instanceof WireError)) throw error;
    seen.add(error.code);
    return;
  }
  seen.add(message.type);
  const reencoded = encodeMessage(message);
  if (!sameBytes(reencoded, bytes)) expect(reencoded).toEqual(bytes);
}

describe('wire decoder on random bytes', () => {
  it('20,000 random frames only ever decode or throw WireError', () => {
    const random = seededRandom(0x5eed);
    const seen = new Set<string>();
    for (let n = 0; n < 20_000; n++) {
      // Half the frames take a length near some message's exact size, where the field checks live.
      const length =
        random() < 0.5
          ? Math.floor(random() * 301)
          : NEAR_EXACT_SIZES[Math.floor(random() * NEAR_EXACT_SIZES.length)]!;
      const bytes = new Uint8Array(length);
      for (let i = 0; i < length; i++) bytes[i] = Math.floor(random() * 256);
      // Mostly known tags (0..16) and a few unknown ones.
      if (length > 0) bytes[0] = Math.floor(random() * 19);
      // Zeroed and small fields make plausible indices, offsets and versions common enough to pass checks.
      if (length > 1 && random() < 0.5) bytes.fill(0, 1, Math.min(length, 1 + Math.floor(random() * 12)));
      if (length >= 13 && random() < 0.3) bytes.set([1, 0, 0, 0], 9);
      if (length > 1 && bytes[0] === 0 && random() < 0.5) bytes[1] = PROTOCOL_VERSION;
      decodeOrWireError(bytes, PIECE_COUNTS[Math.floor(random() * PIECE_COUNTS.length)]!, seen);
    }
    // The fuzz must reach both sides of the codec, or it proves nothing.
    const errors = ['bad-field', 'bad-length', 'bad-version', 'empty', 'unknown-tag'];
    expect([...seen].filter((s) => errors.includes(s)).sort()).toEqual(errors);
    expect([...seen].filter((s) => !errors.includes(s)).length).toBeGreaterThanOrEqual(12);
  });

  it('20,000 mutations of valid frames only ever decode or throw WireError', () => {
    const random = seededRandom(0xb17f11);
    const seen = new Set<string>();
    for (let n = 0; n < 20_000; n++) {
      const { bytes: valid } = EXAMPLES[Math.floor(random() * EXAMPLES.length)]!;
      let bytes: Uint8Array = valid.slice();
      const mutation = Math.floor(random() * 4);
      const at = Math.floor(random() * bytes.byteLength);
      if (mutation === 0) bytes[at] = Math.floor(random() * 256);
      else if (mutation === 1) bytes = bytes.slice(0, at);
      else if (mutation === 2) bytes = frame(bytes, Math.floor(random() * 256));
      // mutation 3 leaves the frame valid, so every type is seen decoding under every piece count.
      decodeOrWireError(bytes, random() < 0.7 ? PIECES : PIECE_COUNTS[Math.floor(random() * PIECE_COUNTS.length)]!, seen);
    }
    for (const { message } of EXAMPLES) expect(seen).toContain(message.type);
    for (const code of ['bad-field', 'bad-length', 'bad-version', 'empty', 'unknown-tag']) expect(seen).toContain(code);
  });
});
