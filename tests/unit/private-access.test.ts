import { describe, expect, it } from 'vitest';
import { ShoalError } from '../../src/app-model.ts';
import { Library, type RecordStore } from '../../src/chunks/library.ts';
import { LibraryError, openLibraryRecord, type LibraryEntry, type LibraryRecord } from '../../src/chunks/library-record.ts';
import { encodeManifest } from '../../src/chunks/manifest.ts';
import { MemoryPieceStore } from '../../src/chunks/memory-piece-store.ts';
import { wrapKeyWithPassword } from '../../src/chunks/password-wrap.ts';
import { ReadError } from '../../src/chunks/plain-reader.ts';
import { privateAccess, publicAccess, relayAccess, type ShareContent } from '../../src/chunks/share-access.ts';
import { deriveRoomId, deriveShareKeys } from '../../src/chunks/share-key.ts';
import { formatShareLink } from '../../src/chunks/share-link.ts';
import { accessForLink } from '../../src/link-opener.ts';
import { makeContent, seededBytes } from '../support/content.ts';
import { readPlain } from '../support/plain-read.ts';
import { SOURCE, buildShare, type BuiltShare } from './private-share-fixture.ts';

const shareKey = seededBytes(32, 61);
const keys = await deriveShareKeys(shareKey);
const fragment = formatShareLink({ kind: 'private', shareKey });
const access = await privateAccess({ shareKey, fragment });
const share = await buildShare(keys, SOURCE);
// Cheap Argon2id: these tests are about the flow, not the cost.
const FAST_ARGON2 = { memoryKiB: 64, iterations: 1, parallelism: 1 };

async function opened(bytes = share.envelope): Promise<ShareContent> {
  const content = await access.open(bytes);
  if ('reason' in content) throw new Error(content.reason);
  return content;
}

async function storeOf(built: BuiltShare): Promise<MemoryPieceStore> {
  const store = new MemoryPieceStore();
  for (const [i, piece] of built.cipherPieces.entries()) await store.put(i, piece);
  return store;
}

function flipped(bytes: Uint8Array, at: number): Uint8Array {
  const out = bytes.slice();
  out[at] ^= 0x80;
  return out;
}

describe('share access', () => {
  it('a private access joins the room the key derives and opens the envelope into the listing', async () => {
    expect(access.swarmId).toBe(await deriveRoomId(shareKey));
    expect(access.visibility).toBe('private');
    const content = await opened();
    expect(content.listing!.name).toBe('Quarterly Secrets');
    expect(content.listing!.files.map((f) => f.path)).toEqual(['Secret Plans/budget.xlsx', 'empty.txt', 'notes.txt']);
    expect(content.manifest.files).toHaveLength(1);
    expect(content.pieceKey).not.toBeNull();
  });

  it('refuses an envelope sealed under another key, an altered one, and a public manifest, with a reason', async () => {
    const other = await buildShare(await deriveShareKeys(seededBytes(32, 62)), SOURCE);
    expect(await access.open(other.envelope)).toEqual({ reason: expect.stringMatching(/^manifest-rejected/) });
    expect(await access.open(flipped(share.envelope, share.envelope.length - 3))).toEqual({ reason: expect.stringMatching(/^manifest-rejected/) });
    const plain = await makeContent(seededBytes(1000, 1), 16 * 1024);
    expect(await access.open(encodeManifest(plain.manifest))).toEqual({ reason: expect.stringMatching(/^bad-envelope/) });
  });

  it('a relay reads only the outer manifest; a public access checks the hash', async () => {
    const relayed = await relayAccess(access.swarmId).open(share.envelope);
    expect(relayed).toMatchObject({ listing: null, pieceKey: null, manifest: share.outer });
    expect(await relayAccess(access.swarmId).open(new Uint8Array(40))).toEqual({ reason: expect.stringMatching(/^bad-envelope/) });
    const plain = await makeContent(seededBytes(1000, 1), 16 * 1024);
    expect(await publicAccess(plain.swarmId).open(encodeManifest(plain.manifest))).toMatchObject({ listing: { name: 'data.bin' } });
    expect(await publicAccess(plain.swarmId).open(share.envelope)).toEqual({ reason: 'hash mismatch' });
  });
});

describe('reading a private share back', () => {
  it('decrypts each file back, and any range of it, across piece boundaries', async () => {
    const content = await opened();
    const store = await storeOf(share);
    for (const [index, file] of content.listing!.files.entries()) {
      const source = SOURCE.find((f) => f.path === file.path)!.bytes;
      for (const [offset, length] of [[0, 0], [1, 5], [16_360, 40], [file.size - 7, 7], [0, file.size]]) {
        if (offset < 0 || offset + length > file.size) continue;
        expect(await readPlain(content, store, index, offset, length), `${file.path} ${offset}+${length}`).toEqual(source.subarray(offset, offset + length));
      }
    }
    await expect(readPlain(content, store, 0, 39_999, 2)).rejects.toMatchObject({ code: 'bad-range' });
    await expect(readPlain(content, store, 9, 0, 1)).rejects.toMatchObject({ code: 'bad-range' });
  });

  it('a stored piece altered after verification fails decryption: ReadError tampered, no bytes', async () => {
    const store = await storeOf(share);
    await store.put(1, flipped(share.cipherPieces[1], 100));
    const content = await opened();
    const error = await readPlain(content, store, 0, 16_000, 1_000).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ReadError);
    expect(error).toMatchObject({ code: 'tampered' });
    // Pieces before it still read.
    expect(await readPlain(content, store, 0, 0, 10)).toEqual(SOURCE[0].bytes.subarray(0, 10));
  });

  it('a missing piece is incomplete; a relay has no listing to read', async () => {
    const store = await storeOf(share);
    const partial = new MemoryPieceStore();
    await partial.put(0, (await store.get(0))!);
    await expect(readPlain(await opened(), partial, 0, 0, 39_000)).rejects.toMatchObject({ code: 'incomplete' });
    const relayed = await relayAccess(access.swarmId).open(share.envelope);
    if ('reason' in relayed) throw new Error(relayed.reason);
    expect(relayed.listing).toBeNull();
  });
});

describe('a private library item', () => {
  class MapRecords implements RecordStore {
    readonly records = new Map<string, LibraryRecord>();
    async list(): Promise<LibraryEntry[]> {
      return Promise.all([...this.records.values()].map((r) => openLibraryRecord(structuredClone(r))));
    }
    async put(record: LibraryRecord): Promise<void> {
      this.records.set(record.swarmId, structuredClone(record));
    }
    async delete(swarmId: string): Promise<void> {
      this.records.delete(swarmId);
    }
  }

  it('keeps its key and link, and reopens after a reload into the same listing', async () => {
    const records = new MapRecords();
    const library = new Library({ records, deletePieces: async () => undefined, nowMs: () => 1, flushIntervalMs: 1000 });
    await library.add(access, await opened(), 'downloaded');
    const stored = records.records.get(access.swarmId)!;
    expect(stored.secret).toEqual({ shareKey, fragment });
    const reloaded = new Library({ records, deletePieces: async () => undefined, nowMs: () => 1, flushIntervalMs: 1000 });
    await reloaded.reload();
    const entry = reloaded.get(access.swarmId)!;
    expect(entry.access.fragment).toBe(fragment);
    expect(entry.content.listing!.name).toBe('Quarterly Secrets');
  });

  it('a record whose key does not open its envelope, or names another room, is corrupt', async () => {
    const records = new MapRecords();
    const library = new Library({ records, deletePieces: async () => undefined, nowMs: () => 1, flushIntervalMs: 1000 });
    await library.add(access, await opened(), 'shared');
    const record = records.records.get(access.swarmId)!;
    const otherKey = seededBytes(32, 63);
    const wrongKey = { ...record, secret: { shareKey: otherKey, fragment: formatShareLink({ kind: 'private', shareKey: otherKey }) } };
    await expect(openLibraryRecord(wrongKey)).rejects.toThrow(LibraryError);
    const movedRoom = { ...record, swarmId: await deriveRoomId(otherKey), secret: wrongKey.secret };
    await expect(openLibraryRecord(movedRoom)).rejects.toThrow(/manifest-rejected/);
    await expect(openLibraryRecord({ ...record, secret: { shareKey: new Uint8Array(3), fragment } })).rejects.toThrow(LibraryError);
  });
});

describe('accessForLink', () => {
  const none = () => undefined;

  it('a private link joins its room; a damaged link is a bad link', async () => {
    expect((await accessForLink(fragment, undefined, none)).swarmId).toBe(access.swarmId);
    await expect(accessForLink(fragment.slice(0, -1), undefined, none)).rejects.toMatchObject({ code: 'bad-link' });
    await expect(accessForLink('k2.' + fragment.slice(3), undefined, none)).rejects.toBeInstanceOf(ShoalError);
  });

  it('a password link asks for the password, refuses a wrong one, opens with the right one', async () => {
    const wrapped = formatShareLink({ kind: 'password', wrappedKey: await wrapKeyWithPassword(shareKey, 'hunter2', { params: FAST_ARGON2 }) });
    await expect(accessForLink(wrapped, undefined, none)).rejects.toMatchObject({ code: 'password-required' });
    await expect(accessForLink(wrapped, 'hunter3', none)).rejects.toMatchObject({ code: 'wrong-password' });
    await expect(accessForLink(wrapped, '', none)).rejects.toMatchObject({ code: 'wrong-password' });
    const right = await accessForLink(wrapped, 'hunter2', none);
    expect(right).toMatchObject({ swarmId: access.swarmId, visibility: 'password', fragment: wrapped });
    // A library item opened with this link before opens again without the password (the library may still be loading).
    expect(await accessForLink(wrapped, undefined, (key) => (key === wrapped ? right : undefined))).toBe(right);
    expect(await accessForLink(wrapped, undefined, async (key) => (key === wrapped ? right : undefined))).toBe(right);
  });

  it('asks the library only for a password link, so other links open before it has loaded', async () => {
    const asked: string[] = [];
    const held = (key: string) => void asked.push(key);
    expect((await accessForLink(fragment, undefined, held)).swarmId).toBe(access.swarmId);
    const publicId = 'A'.repeat(43);
    expect(await accessForLink(publicId, undefined, held)).toMatchObject({ swarmId: publicId, visibility: 'public' });
    expect(asked).toEqual([]);
  });
});
