/**
 * The binary peer protocol: one data-channel message is one frame, a
 * one-byte tag followed by fixed-width little-endian fields. Pure codec —
 * it validates and converts, and never decides what a bad frame means for
 * the connection; the session does.
 */

import { MAX_MANIFEST_BYTES } from '../chunks/manifest.ts';
import { CodedError } from '../coded-error.ts';

export type PieceIndex = number;

/**
 * 2: a request names a run of blocks, not one. 3: allowed-fast (an older peer
 * would close on its tag). 4: 128 KiB blocks (an older peer would reject them).
 */
export const PROTOCOL_VERSION = 4;
/** Chromium's data channel `maxMessageSize`; no frame may exceed it. */
export const MAX_FRAME_BYTES = 262144;
/**
 * A block is one data-channel message, and Chromium's cost per message is
 * high: the raw channel spent 12.7 CPU s per 64 MiB in 16 KiB messages
 * against 10.4 in 256 KiB ones, and a transfer here is CPU-bound. With
 * 128 KiB blocks instead of BitTorrent's 16 KiB a 64 MiB transfer took
 * 19.6 instead of 22.5 Chromium CPU s and ran 6.05 instead of 5.32 MB/s
 * (medians of five alternating runs). The frame, header included, stays
 * under MAX_FRAME_BYTES.
 */
export const BLOCK_BYTES = 128 * 1024;
/**
 * The most one request may ask for: a run of consecutive blocks of one
 * piece. Asking block by block cost the downloader one data-channel send
 * per block, a measurable share of its main thread.
 */
export const MAX_REQUEST_BYTES = 1024 * 1024;
export const SWARM_ID_BYTES = 32;
export const PEER_ID_BYTES = 16;

export type WireErrorCode =
  | 'empty'
  | 'unknown-tag'
  | 'bad-length'
  | 'too-large'
  | 'bad-version'
  | 'bad-field';

export class WireError extends CodedError<WireErrorCode> {
  override name = 'WireError';
}

/** A block named by piece, byte offset in the piece and length. */
export interface BlockRef {
  index: PieceIndex;
  begin: number;
  length: number;
}

export type WireMessage =
  /** `<tag=0><version u8><swarmId 32 bytes><peerId 16 bytes>` — always the first frame each way. */
  | { type: 'handshake'; version: number; swarmId: Uint8Array; peerId: Uint8Array }
  /** `<tag=1>` — please send the encoded manifest. */
  | { type: 'metadata-request' }
  /** `<tag=2><totalBytes u32le><offset u32le><bytes...>` — one chunk of the encoded manifest. */
  | { type: 'metadata'; totalBytes: number; offset: number; bytes: Uint8Array }
  /** `<tag=3>` — I don't have the manifest. */
  | { type: 'metadata-reject' }
  /** `<tag=4><bits: ceil(pieceCount/8) bytes, piece 0 = high bit of byte 0, spare bits zero>` */
  | { type: 'bitfield'; bits: Uint8Array }
  /** `<tag=5><index u32le>` */
  | { type: 'have'; index: PieceIndex }
  /**
   * `<tag=6><index u32le><begin u32le><length u32le>` — the blocks from `begin` (aligned) for
   * `length` bytes, at most MAX_REQUEST_BYTES; each is answered by its own block or reject.
   */
  | ({ type: 'request' } & BlockRef)
  /** `<tag=7><index u32le><begin u32le><data...>` — decoded `data` is a view into the frame. */
  | { type: 'block'; index: PieceIndex; begin: number; data: Uint8Array }
  /** `<tag=8><index u32le><begin u32le><length u32le>` — withdraw an earlier request. */
  | ({ type: 'cancel' } & BlockRef)
  /** `<tag=9><index u32le><begin u32le><length u32le>` — a request that will not be served. */
  | ({ type: 'reject' } & BlockRef)
  /** `<tag=10>` */
  | { type: 'interested' }
  /** `<tag=11>` */
  | { type: 'not-interested' }
  /** `<tag=12>` */
  | { type: 'choke' }
  /** `<tag=13>` */
  | { type: 'unchoke' }
  /** `<tag=14><nonce u32le>` */
  | { type: 'ping'; nonce: number }
  /** `<tag=15><nonce u32le>` — echoes a ping's nonce. */
  | { type: 'pong'; nonce: number }
  /** `<tag=16>` — a seed's compact bitfield: every piece. */
  | { type: 'have-all' }
  /**
   * `<tag=17><index u32le>` — the sender, though it chokes us, will serve this piece's blocks for a
   * short while (BitTorrent's allowed-fast, offered one piece at a time when its uplink has room).
   */
  | { type: 'allowed-fast'; index: PieceIndex };

export type WireMessageType = WireMessage['type'];

export interface DecodeContext {
  /** Pieces in the swarm, or null before the manifest is known. */
  pieceCount: number | null;
}

// Field offsets, each derived from the one before it.
const TAG_AT = 0;
const BODY_AT = TAG_AT + 1;

const VERSION_AT = BODY_AT;
const SWARM_ID_AT = VERSION_AT + 1;
const PEER_ID_AT = SWARM_ID_AT + SWARM_ID_BYTES;
const HANDSHAKE_END = PEER_ID_AT + PEER_ID_BYTES;

const TOTAL_AT = BODY_AT;
const OFFSET_AT = TOTAL_AT + 4;
const METADATA_BYTES_AT = OFFSET_AT + 4;

const INDEX_AT = BODY_AT;
const INDEX_END = INDEX_AT + 4;
const BEGIN_AT = INDEX_END;
const LENGTH_AT = BEGIN_AT + 4;
const BLOCK_REF_END = LENGTH_AT + 4;
const BLOCK_DATA_AT = BEGIN_AT + 4;
/** The largest block frame: a scratch buffer this size fits every block. */
export const BLOCK_FRAME_BYTES = BLOCK_DATA_AT + BLOCK_BYTES;

const NONCE_AT = BODY_AT;
const NONCE_END = NONCE_AT + 4;

const BITS_AT = BODY_AT;

interface Layout {
  tag: number;
  /** Bytes before any variable-length tail, tag included. */
  fixedBytes: number;
  /** Whether a variable-length tail follows the fixed fields. */
  tail: boolean;
}

/** The one table of layouts: tag and size for every message. */
const LAYOUTS: { readonly [K in WireMessageType]: Layout } = {
  handshake: { tag: 0, fixedBytes: HANDSHAKE_END, tail: false },
  'metadata-request': { tag: 1, fixedBytes: BODY_AT, tail: false },
  metadata: { tag: 2, fixedBytes: METADATA_BYTES_AT, tail: true },
  'metadata-reject': { tag: 3, fixedBytes: BODY_AT, tail: false },
  bitfield: { tag: 4, fixedBytes: BITS_AT, tail: true },
  have: { tag: 5, fixedBytes: INDEX_END, tail: false },
  request: { tag: 6, fixedBytes: BLOCK_REF_END, tail: false },
  block: { tag: 7, fixedBytes: BLOCK_DATA_AT, tail: true },
  cancel: { tag: 8, fixedBytes: BLOCK_REF_END, tail: false },
  reject: { tag: 9, fixedBytes: BLOCK_REF_END, tail: false },
  interested: { tag: 10, fixedBytes: BODY_AT, tail: false },
  'not-interested': { tag: 11, fixedBytes: BODY_AT, tail: false },
  choke: { tag: 12, fixedBytes: BODY_AT, tail: false },
  unchoke: { tag: 13, fixedBytes: BODY_AT, tail: false },
  ping: { tag: 14, fixedBytes: NONCE_END, tail: false },
  pong: { tag: 15, fixedBytes: NONCE_END, tail: false },
  'have-all': { tag: 16, fixedBytes: BODY_AT, tail: false },
  'allowed-fast': { tag: 17, fixedBytes: INDEX_END, tail: false },
};

const TYPE_BY_TAG: ReadonlyMap<number, WireMessageType> = new Map(
  (Object.keys(LAYOUTS) as WireMessageType[]).map((type) => [LAYOUTS[type].tag, type]),
);

/** The tag byte a message type is sent with. */
export function tagOf(type: WireMessageType): number {
  return LAYOUTS[type].tag;
}

/**
 * Encodes `m` into a new buffer, or into `scratch` when it is large enough:
 * the frame is then a view of it, valid until the next use of `scratch`.
 * A channel copies a frame when it is sent, so a sender can use one scratch
 * buffer for every frame instead of allocating one per block.
 */
export function encodeMessage(m: WireMessage, scratch?: Uint8Array): Uint8Array {
  const layout = LAYOUTS[m.type];
  const frameBytes = layout.fixedBytes + tailBytes(m);
  const reuse = scratch !== undefined && scratch.byteLength >= frameBytes;
  const frame = reuse ? scratch.subarray(0, frameBytes) : new Uint8Array(frameBytes);
  // Fields a type leaves unwritten are zero, as in a fresh buffer.
  if (reuse) frame.fill(0, 0, layout.fixedBytes);
  const view = new DataView(frame.buffer, frame.byteOffset, frameBytes);
  frame[TAG_AT] = layout.tag;
  switch (m.type) {
    case 'handshake':
      checkByteLength('swarmId', m.swarmId, SWARM_ID_BYTES);
      checkByteLength('peerId', m.peerId, PEER_ID_BYTES);
      frame[VERSION_AT] = checkU8('version', m.version);
      frame.set(m.swarmId, SWARM_ID_AT);
      frame.set(m.peerId, PEER_ID_AT);
      break;
    case 'metadata':
      checkMetadata(m.totalBytes, m.offset, m.bytes.byteLength);
      view.setUint32(TOTAL_AT, m.totalBytes, true);
      view.setUint32(OFFSET_AT, m.offset, true);
      frame.set(m.bytes, METADATA_BYTES_AT);
      break;
    case 'bitfield':
      frame.set(m.bits, BITS_AT);
      break;
    case 'have':
    case 'allowed-fast':
      view.setUint32(INDEX_AT, checkU32('index', m.index), true);
      break;
    case 'request':
    case 'cancel':
    case 'reject':
      checkBlockRef(m, null, maxRefBytes(m.type));
      view.setUint32(INDEX_AT, m.index, true);
      view.setUint32(BEGIN_AT, m.begin, true);
      view.setUint32(LENGTH_AT, m.length, true);
      break;
    case 'block':
      if (m.data.byteLength === 0) throw new WireError('bad-field', 'empty block');
      view.setUint32(INDEX_AT, checkU32('index', m.index), true);
      view.setUint32(BEGIN_AT, checkU32('begin', m.begin), true);
      frame.set(m.data, BLOCK_DATA_AT);
      break;
    case 'ping':
    case 'pong':
      view.setUint32(NONCE_AT, checkU32('nonce', m.nonce), true);
      break;
    case 'metadata-request':
    case 'metadata-reject':
    case 'interested':
    case 'not-interested':
    case 'choke':
    case 'unchoke':
    case 'have-all':
      break;
  }
  return frame;
}

/** Length of a message's variable tail, checked against the frame cap before anything is allocated. */
function tailBytes(m: WireMessage): number {
  let bytes: number;
  switch (m.type) {
    case 'metadata':
      bytes = m.bytes.byteLength;
      break;
    case 'bitfield':
      bytes = m.bits.byteLength;
      break;
    case 'block':
      bytes = m.data.byteLength;
      break;
    default:
      return 0;
  }
  const frameBytes = LAYOUTS[m.type].fixedBytes + bytes;
  if (frameBytes > MAX_FRAME_BYTES) {
    throw new WireError('too-large', `${m.type} frame of ${frameBytes} bytes exceeds ${MAX_FRAME_BYTES}`);
  }
  return bytes;
}

export function decodeMessage(frame: Uint8Array, ctx: DecodeContext): WireMessage {
  if (frame.byteLength === 0) throw new WireError('empty', 'empty frame');
  if (frame.byteLength > MAX_FRAME_BYTES) {
    throw new WireError('too-large', `frame of ${frame.byteLength} bytes exceeds ${MAX_FRAME_BYTES}`);
  }
  const type = TYPE_BY_TAG.get(frame[TAG_AT]!);
  if (type === undefined) throw new WireError('unknown-tag', `unknown tag ${frame[TAG_AT]}`);
  const layout = LAYOUTS[type];
  const sizeOk = layout.tail ? frame.byteLength >= layout.fixedBytes : frame.byteLength === layout.fixedBytes;
  if (!sizeOk) {
    const wanted = layout.tail ? `at least ${layout.fixedBytes}` : `${layout.fixedBytes}`;
    throw new WireError('bad-length', `${type} frame of ${frame.byteLength} bytes, want ${wanted}`);
  }
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  switch (type) {
    case 'handshake': {
      const version = frame[VERSION_AT]!;
      if (version !== PROTOCOL_VERSION) {
        throw new WireError('bad-version', `protocol version ${version}, want ${PROTOCOL_VERSION}`);
      }
      return {
        type,
        version,
        swarmId: frame.slice(SWARM_ID_AT, PEER_ID_AT),
        peerId: frame.slice(PEER_ID_AT, HANDSHAKE_END),
      };
    }
    case 'metadata': {
      const totalBytes = view.getUint32(TOTAL_AT, true);
      const offset = view.getUint32(OFFSET_AT, true);
      const bytes = frame.subarray(METADATA_BYTES_AT);
      checkMetadata(totalBytes, offset, bytes.byteLength);
      return { type, totalBytes, offset, bytes };
    }
    case 'bitfield':
      return { type, bits: checkBitfield(frame.subarray(BITS_AT), ctx.pieceCount) };
    case 'have':
    case 'allowed-fast': {
      const index = view.getUint32(INDEX_AT, true);
      checkIndex(index, ctx.pieceCount);
      return { type, index };
    }
    case 'request':
    case 'cancel':
    case 'reject': {
      const ref = {
        index: view.getUint32(INDEX_AT, true),
        begin: view.getUint32(BEGIN_AT, true),
        length: view.getUint32(LENGTH_AT, true),
      };
      checkBlockRef(ref, ctx.pieceCount, maxRefBytes(type));
      return { type, ...ref };
    }
    case 'block': {
      const index = view.getUint32(INDEX_AT, true);
      checkIndex(index, ctx.pieceCount);
      const data = frame.subarray(BLOCK_DATA_AT);
      if (data.byteLength === 0) throw new WireError('bad-field', 'empty block');
      return { type, index, begin: view.getUint32(BEGIN_AT, true), data };
    }
    case 'ping':
    case 'pong':
      return { type, nonce: view.getUint32(NONCE_AT, true) };
    case 'metadata-request':
    case 'metadata-reject':
    case 'interested':
    case 'not-interested':
    case 'choke':
    case 'unchoke':
    case 'have-all':
      return { type };
  }
}

function checkMetadata(totalBytes: number, offset: number, chunkBytes: number): void {
  checkU32('totalBytes', totalBytes);
  checkU32('offset', offset);
  // A non-empty chunk inside the total also rules out a total of 0.
  if (chunkBytes === 0) throw new WireError('bad-field', 'empty metadata chunk');
  if (totalBytes > MAX_MANIFEST_BYTES) {
    throw new WireError('bad-field', `metadata total ${totalBytes} over ${MAX_MANIFEST_BYTES}`);
  }
  if (offset + chunkBytes > totalBytes) {
    throw new WireError('bad-field', `metadata chunk ${offset}+${chunkBytes} past total ${totalBytes}`);
  }
}

/** A request names a run of blocks; cancel and reject name one block. */
function maxRefBytes(type: 'request' | 'cancel' | 'reject'): number {
  return type === 'request' ? MAX_REQUEST_BYTES : BLOCK_BYTES;
}

/** Shared by request, cancel and reject: bytes from an aligned `begin`, at most `maxBytes` of them. */
function checkBlockRef(ref: BlockRef, pieceCount: number | null, maxBytes: number): void {
  checkIndex(checkU32('index', ref.index), pieceCount);
  if (checkU32('begin', ref.begin) % BLOCK_BYTES !== 0) {
    throw new WireError('bad-field', `block begin ${ref.begin} not a multiple of ${BLOCK_BYTES}`);
  }
  const length = checkU32('length', ref.length);
  if (length === 0 || length > maxBytes) {
    throw new WireError('bad-field', `length ${length} outside 1..${maxBytes}`);
  }
}

function checkIndex(index: PieceIndex, pieceCount: number | null): void {
  if (pieceCount !== null && index >= pieceCount) {
    throw new WireError('bad-field', `piece ${index} out of range (${pieceCount} pieces)`);
  }
}

function checkBitfield(bits: Uint8Array, pieceCount: number | null): Uint8Array {
  if (pieceCount === null) throw new WireError('bad-field', 'bitfield before the manifest is known');
  const wanted = Math.ceil(pieceCount / 8);
  if (bits.byteLength !== wanted) {
    throw new WireError('bad-field', `bitfield of ${bits.byteLength} bytes, want ${wanted} for ${pieceCount} pieces`);
  }
  const spareBits = wanted * 8 - pieceCount;
  if (spareBits > 0 && (bits[wanted - 1]! & ((1 << spareBits) - 1)) !== 0) {
    throw new WireError('bad-field', 'bitfield has spare bits set');
  }
  return bits;
}

function checkByteLength(field: string, bytes: Uint8Array, wanted: number): void {
  if (bytes.byteLength !== wanted) {
    throw new WireError('bad-field', `${field} of ${bytes.byteLength} bytes, want ${wanted}`);
  }
}

function checkU8(field: string, value: number): number {
  if (!Number.isInteger(value) || value < 0 || value > 0xff) {
    throw new WireError('bad-field', `${field} ${value} is not a u8`);
  }
  return value;
}

function checkU32(field: string, value: number): number {
  if (!Number.isInteger(value) || value < 0 || value > 0xffff_ffff) {
    throw new WireError('bad-field', `${field} ${value} is not a u32`);
  }
  return value;
}
