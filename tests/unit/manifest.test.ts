import { describe, expect, it } from 'vitest';
import {
  MAX_MANIFEST_BYTES,
  ManifestError,
  choosePieceLength,
  createManifest,
  decodeManifest,
  encodeManifest,
  isSwarmId,
  normalizeMime,
  pieceBytes,
  pieceCount,
  pieceHash,
  swarmIdOf,
  totalBytes,
  type Manifest,
  type ManifestErrorCode,
  type ManifestFile,
} from '../../src/chunks/manifest.ts';
import { seededBytes, seededRandom } from '../support/content.ts';

const KiB = 1024;
const MiB = 1024 * KiB;
const utf8 = new TextEncoder();

function hashes(count: number, seed = 1): Uint8Array {
  return seededBytes(count * 32, seed);
}

const FILES: ManifestFile[] = [
  { path: 'photos/b.jpg', size: 40_000, mime: 'image/jpeg' },
  { path: 'photos/a.jpg', size: 30_000, mime: 'image/jpeg' },
  { path: 'notes/readme.txt', size: 5, mime: 'text/plain' },
  { path: 'empty.bin', size: 0, mime: 'application/octet-stream' },
];

function sample(files = FILES): Manifest {
  return createManifest({ name: 'holiday', files, pieceLength: 16 * KiB, pieceHashes: hashes(5) });
}

/** Hand-written encoder, independent of encodeManifest, so each field can be broken on purpose. */
interface RawFile {
  path: string | number[];
  size: bigint;
  mime: string | number[];
}
interface Raw {
  magic: number[];
  version: number;
  pieceLength: number;
  name: string | number[];
  fileCount?: number;
  files: RawFile[];
  pieceCount?: number;
  hashBytes?: number;
  trailing?: number[];
}

function raw(overrides: Partial<Raw> = {}): Raw {
  return {
    magic: [0x53, 0x48, 0x4d, 0x46],
    version: 1,
    pieceLength: 16 * KiB,
    name: 'share',
    files: [
      { path: 'a.txt', size: 20_000n, mime: 'text/plain' },
      { path: 'b/c.bin', size: 20_000n, mime: 'application/octet-stream' },
    ],
    ...overrides,
  };
}

function build(r: Raw): Uint8Array {
  const bytes: number[] = [];
  const u = (value: number | bigint, width: number): void => {
    let v = BigInt(value);
    for (let i = 0; i < width; i++) {
      bytes.push(Number(v & 0xffn));
      v >>= 8n;
    }
  };
  const str = (s: string | number[]): number[] => (typeof s === 'string' ? [...utf8.encode(s)] : s);
  bytes.push(...r.magic);
  u(r.version, 1);
  u(r.pieceLength, 4);
  const name = str(r.name);
  u(name.length, 2);
  bytes.push(...name);
  u(r.fileCount ?? r.files.length, 4);
  let total = 0n;
  for (const f of r.files) {
    const path = str(f.path);
    u(path.length, 2);
    bytes.push(...path);
    u(f.size, 8);
    const mime = str(f.mime);
    u(mime.length, 1);
    bytes.push(...mime);
    total += f.size;
  }
  const count = r.pieceCount ?? Number((total + BigInt(r.pieceLength) - 1n) / BigInt(r.pieceLength));
  u(count, 4);
  const hashBytes = seededBytes(r.hashBytes ?? count * 32, 7);
  const trailing = r.trailing ?? [];
  const out = new Uint8Array(bytes.length + hashBytes.byteLength + trailing.length);
  out.set(bytes);
  out.set(hashBytes, bytes.length);
  out.set(trailing, bytes.length + hashBytes.byteLength);
  return out;
}

function codeOf(bytes: Uint8Array): ManifestErrorCode | 'ok' {
  try {
    decodeManifest(bytes);
    return 'ok';
  } catch (error) {
    if (error instanceof ManifestError) return error.code;
    throw error;
  }
}

describe('manifest encoding', () => {
  it('round-trips through the canonical bytes', () => {
    const m = sample();
    const bytes = encodeManifest(m);
    const back = decodeManifest(bytes);
    expect(back).toEqual(m);
    expect(encodeManifest(back)).toEqual(bytes);
  });

  it('matches the documented layout for the hand-written encoder', () => {
    const bytes = build(raw());
    const m = decodeManifest(bytes);
    expect(m.name).toBe('share');
    expect(m.pieceLength).toBe(16 * KiB);
    expect(m.files).toEqual([
      { path: 'a.txt', size: 20_000, mime: 'text/plain' },
      { path: 'b/c.bin', size: 20_000, mime: 'application/octet-stream' },
    ]);
    expect(pieceCount(m)).toBe(3);
    expect(encodeManifest(m)).toEqual(bytes);
  });

  it('gives the same bytes and swarm id for the same files in another order', async () => {
    const a = encodeManifest(sample());
    const b = encodeManifest(sample([...FILES].reverse()));
    expect(b).toEqual(a);
    expect(await swarmIdOf(b)).toBe(await swarmIdOf(a));
  });

  it('sorts paths in UTF-16 code-unit order', () => {
    const m = createManifest({
      name: 'x',
      files: [
        { path: 'b', size: 1, mime: 'a/b' },
        { path: 'B', size: 1, mime: 'a/b' },
        { path: 'a-1', size: 1, mime: 'a/b' },
        { path: 'a', size: 1, mime: 'a/b' },
        { path: '\u{1F600}', size: 1, mime: 'a/b' },
        { path: '\uFF01', size: 1, mime: 'a/b' },
      ],
      pieceLength: 16 * KiB,
      pieceHashes: hashes(1),
    });
    // U+1F600 is the surrogate pair D83D DE00, which sorts before U+FF01 in code units.
    expect(m.files.map((f) => f.path)).toEqual(['B', 'a', 'a-1', 'b', '\u{1F600}', '\uFF01']);
    expect(decodeManifest(encodeManifest(m))).toEqual(m);
  });

  it('keeps non-ASCII names and a leading byte-order mark byte for byte', () => {
    const bytes = build(raw({ name: '\uFEFFFerien 😀', files: [{ path: 'ü/ß.txt', size: 1n, mime: 'text/plain' }] }));
    const m = decodeManifest(bytes);
    expect(m.name).toBe('\uFEFFFerien 😀');
    expect(encodeManifest(m)).toEqual(bytes);
  });

  it('copies the piece hashes so later changes to the input do not leak in', () => {
    const input = hashes(1);
    const m = createManifest({ name: 'x', files: [{ path: 'x', size: 1, mime: 'a/b' }], pieceLength: 16 * KiB, pieceHashes: input });
    input.fill(0);
    expect(m.pieceHashes).toEqual(hashes(1));
  });

  it('createManifest and encodeManifest refuse what decode would refuse', () => {
    const bad = (files: ManifestFile[], pieceLength = 16 * KiB, count = 1) => () =>
      createManifest({ name: 'x', files, pieceLength, pieceHashes: hashes(count) });
    expect(bad([{ path: 'a', size: 1, mime: '' }])).toThrow(ManifestError);
    expect(bad([{ path: 'a/../b', size: 1, mime: 'a/b' }])).toThrow(ManifestError);
    expect(bad([{ path: 'a', size: 1, mime: 'a/b' }, { path: 'a', size: 2, mime: 'a/b' }])).toThrow(/sorted/);
    expect(bad([{ path: 'a', size: 1, mime: 'a/b' }], 16 * KiB, 2)).toThrow(/piece count/);
    expect(bad([{ path: 'a', size: 1.5, mime: 'a/b' }])).toThrow(/size/);
    expect(bad([{ path: 'a\uD800', size: 1, mime: 'a/b' }])).toThrow(/surrogate/);
    const m = sample();
    expect(() => encodeManifest({ ...m, files: [...m.files].reverse() })).toThrow(ManifestError);
  });
});

describe('manifest decoding rejects malformed input', () => {
  const long = 'x'.repeat(256);
  const cases: [string, Uint8Array, ManifestErrorCode][] = [
    ['wrong magic', build(raw({ magic: [0x53, 0x48, 0x4d, 0x47] })), 'bad-magic'],
    ['version 0', build(raw({ version: 0 })), 'unsupported-version'],
    ['version 2', build(raw({ version: 2 })), 'unsupported-version'],
    ['piece length 0', build(raw({ pieceLength: 0, pieceCount: 0 })), 'bad-field'],
    ['piece length 8 KiB', build(raw({ pieceLength: 8 * KiB })), 'bad-field'],
    ['piece length 32 MiB', build(raw({ pieceLength: 32 * MiB })), 'bad-field'],
    ['piece length not a power of two', build(raw({ pieceLength: 48 * KiB })), 'bad-field'],
    ['empty name', build(raw({ name: '' })), 'bad-field'],
    ['name ..', build(raw({ name: '..' })), 'bad-field'],
    ['name with slash', build(raw({ name: 'a/b' })), 'bad-field'],
    ['name of 256 bytes', build(raw({ name: long })), 'bad-field'],
    ['name with a newline', build(raw({ name: 'a\nb' })), 'bad-field'],
    ['zero files', build(raw({ files: [], pieceCount: 0 })), 'bad-field'],
    ['100,001 files claimed', build(raw({ fileCount: 100_001 })), 'bad-field'],
    ['unsorted paths', build(raw({ files: [{ path: 'b', size: 1n, mime: 'a/b' }, { path: 'a', size: 1n, mime: 'a/b' }] })), 'not-canonical'],
    ['duplicate paths', build(raw({ files: [{ path: 'a', size: 1n, mime: 'a/b' }, { path: 'a', size: 1n, mime: 'a/b' }] })), 'not-canonical'],
    ['trailing byte', build(raw({ trailing: [0] })), 'not-canonical'],
    ['size above MAX_SAFE_INTEGER', build(raw({ files: [{ path: 'a', size: 2n ** 53n, mime: 'a/b' }], pieceCount: 1 })), 'bad-field'],
    ['total size zero', build(raw({ files: [{ path: 'a', size: 0n, mime: 'a/b' }] })), 'bad-field'],
    ['one piece too few', build(raw({ pieceCount: 2 })), 'bad-field'],
    ['one piece too many', build(raw({ pieceCount: 4 })), 'bad-field'],
    ['hash bytes missing', build(raw({ hashBytes: 3 * 32 - 1 })), 'truncated'],
    ['a file that is also a folder', build(raw({ files: [{ path: 'a', size: 1n, mime: 'a/b' }, { path: 'a/b', size: 1n, mime: 'a/b' }] })), 'bad-field'],
    ['path 0xff byte', build(raw({ files: [{ path: [0x61, 0xff], size: 1n, mime: 'a/b' }] })), 'bad-field'],
    ['path overlong UTF-8', build(raw({ files: [{ path: [0xc0, 0xaf], size: 1n, mime: 'a/b' }] })), 'bad-field'],
    ['path UTF-8 surrogate', build(raw({ files: [{ path: [0xed, 0xa0, 0x80], size: 1n, mime: 'a/b' }] })), 'bad-field'],
    ['mime with non-ASCII byte', build(raw({ files: [{ path: 'a', size: 1n, mime: [0x61, 0x2f, 0xe9] }] })), 'bad-field'],
    ...(['/abs', 'a//b', 'a/', './a', 'a/./b', '../a', 'a/..', 'a\\b', 'a\u0000b', 'a\u007fb', 'a\u0085b', `d/${long}`].map(
      (path): [string, Uint8Array, ManifestErrorCode] => [
        `path ${JSON.stringify(path).slice(0, 20)}`,
        build(raw({ files: [{ path, size: 1n, mime: 'a/b' }] })),
        'bad-field',
      ],
    )),
    ...(['', 'text', 'text/', '/plain', 'text/plain; charset=utf-8', 'text/pl ain', 'a/b/c'].map(
      (mime): [string, Uint8Array, ManifestErrorCode] => [
        `mime ${JSON.stringify(mime)}`,
        build(raw({ files: [{ path: 'a', size: 1n, mime }] })),
        'bad-field',
      ],
    )),
  ];

  it.each(cases)('%s', (_label, bytes, code) => {
    expect(codeOf(bytes)).toBe(code);
  });

  it('rejects every proper prefix of a valid manifest as truncated', () => {
    const bytes = encodeManifest(sample());
    for (let length = 0; length < bytes.byteLength; length++) {
      expect(codeOf(bytes.subarray(0, length)), `prefix of ${length} bytes`).toBe('truncated');
    }
  });

  it('rejects input over 4 MiB before reading it', () => {
    const big = new Uint8Array(MAX_MANIFEST_BYTES + 1);
    big.set(encodeManifest(sample()));
    expect(codeOf(big)).toBe('too-large');
  });

  it('accepts a segment of exactly 255 bytes and a manifest of exactly 4 MiB worth of hashes', () => {
    expect(codeOf(build(raw({ files: [{ path: 'é'.repeat(127) + 'x', size: 1n, mime: 'a/b' }] })))).toBe('ok');
    const header = build(raw({ files: [{ path: 'a', size: 16n * 1024n, mime: 'a/b' }] })).byteLength - 32;
    const pieces = Math.floor((MAX_MANIFEST_BYTES - header) / 32);
    const fits = build(raw({ files: [{ path: 'a', size: BigInt(pieces) * 16n * 1024n, mime: 'a/b' }] }));
    expect(fits.byteLength).toBeLessThanOrEqual(MAX_MANIFEST_BYTES);
    expect(codeOf(fits)).toBe('ok');
    const over = build(raw({ files: [{ path: 'a', size: BigInt(pieces + 1) * 16n * 1024n, mime: 'a/b' }] }));
    expect(codeOf(over)).toBe('too-large');
  });

  it('decodes from a view into a larger buffer', () => {
    const bytes = encodeManifest(sample());
    const padded = new Uint8Array(bytes.byteLength + 10);
    padded.set(bytes, 5);
    expect(decodeManifest(padded.subarray(5, 5 + bytes.byteLength))).toEqual(sample());
  });
});

describe('manifest fuzz', () => {
  function decodeOrManifestError(bytes: Uint8Array): void {
    let m: Manifest;
    try {
      m = decodeManifest(bytes);
    } catch (error) {
      expect(error).toBeInstanceOf(ManifestError);
      return;
    }
    const again = encodeManifest(m);
    // A plain loop: toEqual on thousands of byte arrays dominates the run time.
    const same = again.byteLength === bytes.byteLength && again.every((b, i) => b === bytes[i]);
    if (!same) expect.fail('decoded a manifest whose encoding differs from the input');
  }

  it('random bytes only ever decode or throw ManifestError', () => {
    const random = seededRandom(0x5eed);
    for (let n = 0; n < 2_000; n++) {
      const bytes = seededBytes(Math.floor(random() * 300), n + 1);
      if (random() < 0.5) bytes.set([0x53, 0x48, 0x4d, 0x46, 1].slice(0, bytes.byteLength));
      decodeOrManifestError(bytes);
    }
  });

  it('mutated valid manifests only ever decode canonically or throw ManifestError', () => {
    const random = seededRandom(0xfeed);
    const valid = [encodeManifest(sample()), build(raw())];
    for (let n = 0; n < 5_000; n++) {
      const bytes = valid[n % valid.length].slice();
      const flips = 1 + Math.floor(random() * 3);
      for (let f = 0; f < flips; f++) bytes[Math.floor(random() * bytes.byteLength)] = Math.floor(random() * 256);
      decodeOrManifestError(random() < 0.2 ? bytes.subarray(0, Math.floor(random() * bytes.byteLength)) : bytes);
    }
  });
});

describe('manifest helpers', () => {
  it('chooses piece lengths between 64 KiB and 4 MiB: up to 400 pieces below 256 KiB, up to 2048 from there', () => {
    expect(choosePieceLength(0)).toBe(64 * KiB);
    expect(choosePieceLength(1)).toBe(64 * KiB);
    expect(choosePieceLength(400 * 64 * KiB)).toBe(64 * KiB);
    expect(choosePieceLength(400 * 64 * KiB + 1)).toBe(128 * KiB);
    expect(choosePieceLength(24 * MiB)).toBe(64 * KiB);
    expect(choosePieceLength(64 * MiB)).toBe(256 * KiB);
    expect(choosePieceLength(400 * 128 * KiB)).toBe(128 * KiB);
    expect(choosePieceLength(400 * 128 * KiB + 1)).toBe(256 * KiB);
    expect(choosePieceLength(256 * MiB)).toBe(256 * KiB);
    expect(choosePieceLength(512 * MiB)).toBe(256 * KiB);
    expect(choosePieceLength(512 * MiB + 1)).toBe(512 * KiB);
    expect(choosePieceLength(2048 * MiB)).toBe(1 * MiB);
    expect(choosePieceLength(2048 * 4 * MiB)).toBe(4 * MiB);
    expect(choosePieceLength(100 * 1024 * MiB)).toBe(4 * MiB);
    for (const bad of [-1, 1.5, Number.NaN, Number.MAX_SAFE_INTEGER + 1]) {
      expect(() => choosePieceLength(bad)).toThrow(RangeError);
    }
  });

  it('sizes pieces, with a short last piece', () => {
    const m = sample();
    expect(totalBytes(m)).toBe(70_005);
    expect(pieceCount(m)).toBe(5);
    expect(pieceBytes(m, 0)).toBe(16 * KiB);
    expect(pieceBytes(m, 4)).toBe(70_005 - 4 * 16 * KiB);
    expect(() => pieceBytes(m, 5)).toThrow(RangeError);
    expect(() => pieceBytes(m, -1)).toThrow(RangeError);
  });

  it('returns each piece hash as a 32-byte view', () => {
    const m = sample();
    const h = pieceHash(m, 2);
    expect(h.byteLength).toBe(32);
    expect(h).toEqual(hashes(5).subarray(64, 96));
    expect(h.buffer).toBe(m.pieceHashes.buffer);
    expect(() => pieceHash(m, 5)).toThrow(RangeError);
  });

  it('names swarms by base64url SHA-256 and recognises only canonical ids', async () => {
    const empty = await swarmIdOf(new Uint8Array(0));
    expect(empty).toBe('47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU');
    expect(isSwarmId(empty)).toBe(true);
    expect(isSwarmId(await swarmIdOf(encodeManifest(sample())))).toBe(true);
    expect(isSwarmId(empty.slice(0, 42))).toBe(false);
    expect(isSwarmId(empty + 'A')).toBe(false);
    expect(isSwarmId(empty.slice(0, 42) + 'V')).toBe(false); // spare low bits set
    expect(isSwarmId('+' + empty.slice(1))).toBe(false);
    expect(isSwarmId(empty + '=')).toBe(false);
  });

  it('normalises File.type values to a valid mime', () => {
    expect(normalizeMime('')).toBe('application/octet-stream');
    expect(normalizeMime('image/PNG')).toBe('image/png');
    expect(normalizeMime('text/plain; charset=utf-8')).toBe('text/plain');
    expect(normalizeMime('garbage')).toBe('application/octet-stream');
    expect(normalizeMime('x'.repeat(200) + '/' + 'y'.repeat(200))).toBe('application/octet-stream');
  });
});
