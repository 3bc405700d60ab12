import { describe, expect, it } from 'vitest';
import { Library, type RecordStore } from '../../src/chunks/library.ts';
import { openLibraryRecord, parseLibraryRecord, type LibraryEntry, type LibraryRecord } from '../../src/chunks/library-record.ts';
import { publicAccess, publicContent } from '../../src/chunks/share-access.ts';
import { createManifest, encodeManifest, swarmIdOf, type Manifest } from '../../src/chunks/manifest.ts';
import { StorageError } from '../../src/chunks/piece-store.ts';

const KiB = 1024;

/** Records in a Map, stored as structured clones like IndexedDB does. */
class MapRecords implements RecordStore {
  readonly records = new Map<string, LibraryRecord>();
  writes = 0;
  failWrites = false;

  async list(): Promise<LibraryEntry[]> {
    return Promise.all([...this.records.values()].map((r) => openLibraryRecord(structuredClone(r))));
  }
  async put(record: LibraryRecord): Promise<void> {
    if (this.failWrites) throw new StorageError('quota-exceeded', 'full');
    this.writes++;
    this.records.set(record.swarmId, structuredClone(record));
  }
  async delete(swarmId: string): Promise<void> {
    this.records.delete(swarmId);
  }
}

async function share(name: string): Promise<{ id: string; manifest: Manifest }> {
  const manifest = createManifest({
    name,
    files: [{ path: name, size: 4 * 16 * KiB, mime: 'application/octet-stream' }],
    pieceLength: 16 * KiB,
    pieceHashes: new Uint8Array(4 * 32).fill(name.length),
  });
  return { id: await swarmIdOf(encodeManifest(manifest)), manifest };
}

function setup() {
  const records = new MapRecords();
  const deleted: string[] = [];
  let now = 1_000;
  const library = new Library({
    records,
    deletePieces: async (id) => void deleted.push(id),
    nowMs: () => now,
    flushIntervalMs: 3_000,
  });
  return { records, deleted, library, advance: (ms: number) => (now += ms) };
}

describe('Library', () => {
  it('writes a new item at once, seeding on, nothing stored yet', async () => {
    const { records, library } = setup();
    const { id, manifest } = await share('a.bin');
    await library.add(publicAccess(id), publicContent(manifest), 'downloaded');
    const stored = parseLibraryRecord(records.records.get(id));
    expect(stored.record.seeding).toBe(true);
    expect(stored.record.origin).toBe('downloaded');
    expect(stored.have.count()).toBe(0);
  });

  it('batches piece progress: written when the interval has passed, not per piece', async () => {
    const { records, library, advance } = setup();
    const { id, manifest } = await share('a.bin');
    await library.add(publicAccess(id), publicContent(manifest), 'downloaded');
    advance(3_000);
    await library.flushDue();
    const writesBefore = records.writes;
    library.markStored(id, [0]);
    library.markStored(id, [2]);
    await library.flushDue();
    expect(records.writes).toBe(writesBefore);
    advance(3_000);
    await library.flushDue();
    expect(records.writes).toBe(writesBefore + 1);
    const have = parseLibraryRecord(records.records.get(id)).have;
    expect([have.has(0), have.has(1), have.has(2)]).toEqual([true, false, true]);
  });

  it('keeps a failed write pending and writes it on the next flush', async () => {
    const { records, library } = setup();
    const { id, manifest } = await share('a.bin');
    await library.add(publicAccess(id), publicContent(manifest), 'downloaded');
    library.markStored(id, [1]);
    records.failWrites = true;
    await expect(library.flush(id)).rejects.toThrow(StorageError);
    records.failWrites = false;
    await library.flush(id);
    expect(parseLibraryRecord(records.records.get(id)).have.has(1)).toBe(true);
  });

  it('reload follows other tabs but keeps unsaved local progress', async () => {
    const { records, library } = setup();
    const a = await share('a.bin');
    const b = await share('bb.bin');
    await library.add(publicAccess(a.id), publicContent(a.manifest), 'downloaded');
    library.markStored(a.id, [3]);
    // Another tab adds b and, meanwhile, rewrote a without piece 3.
    const other = setup();
    await other.library.add(publicAccess(b.id), publicContent(b.manifest), 'shared');
    records.records.set(b.id, other.records.records.get(b.id)!);
    await library.reload();
    expect(library.all().map((e) => e.record.swarmId).sort()).toEqual([a.id, b.id].sort());
    expect(library.get(a.id)!.have.has(3)).toBe(true);
  });

  it('remembers the seeding choice at once', async () => {
    const { records, library } = setup();
    const { id, manifest } = await share('a.bin');
    await library.add(publicAccess(id), publicContent(manifest), 'shared');
    await library.setSeeding(id, false);
    expect(records.records.get(id)!.seeding).toBe(false);
  });

  it('remove deletes the record and the pieces', async () => {
    const { records, deleted, library } = setup();
    const { id, manifest } = await share('a.bin');
    await library.add(publicAccess(id), publicContent(manifest), 'shared');
    await library.remove(id);
    expect(records.records.has(id)).toBe(false);
    expect(deleted).toEqual([id]);
    expect(library.get(id)).toBeUndefined();
  });
});
