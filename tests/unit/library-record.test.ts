import { describe, expect, it } from 'vitest';
import { Bitfield } from '../../src/chunks/bitfield.ts';
import { LibraryError, parseLibraryRecord, type LibraryRecord } from '../../src/chunks/library-record.ts';
import { createManifest, encodeManifest, swarmIdOf } from '../../src/chunks/manifest.ts';

const KiB = 1024;

/** 10 pieces of 16 KiB (the last one short). */
async function validRecord(): Promise<LibraryRecord> {
  const manifest = createManifest({
    name: 'notes',
    files: [{ path: 'notes.txt', size: 9 * 16 * KiB + 100, mime: 'text/plain' }],
    pieceLength: 16 * KiB,
    pieceHashes: new Uint8Array(10 * 32).fill(7),
  });
  const encoded = encodeManifest(manifest);
  const have = new Bitfield(10);
  have.set(0);
  have.set(9);
  return {
    swarmId: await swarmIdOf(encoded),
    manifest: encoded,
    origin: 'downloaded',
    seeding: true,
    have: have.toBytes(),
    addedAtMs: 1_700_000_000_000,
    lastActivityAtMs: 1_700_000_100_000,
  };
}

describe('parseLibraryRecord', () => {
  it('reads back a record with its manifest decoded and its bitfield parsed', async () => {
    const record = await validRecord();
    const entry = parseLibraryRecord(structuredClone(record));
    expect(entry.record).toEqual(record);
    expect(entry.manifest.name).toBe('notes');
    expect(entry.have.count()).toBe(2);
    expect(entry.have.has(9)).toBe(true);
  });

  const broken: Array<[string, (r: Record<string, unknown>) => unknown]> = [
    ['null', () => null],
    ['a string', () => 'shoal'],
    ['a bad swarm id', (r) => ({ ...r, swarmId: 'not-an-id' })],
    ['a missing manifest', (r) => ({ ...r, manifest: undefined })],
    ['a manifest as an array', (r) => ({ ...r, manifest: [...(r.manifest as Uint8Array)] })],
    ['a truncated manifest', (r) => ({ ...r, manifest: (r.manifest as Uint8Array).slice(0, 20) })],
    ['an unknown origin', (r) => ({ ...r, origin: 'stolen' })],
    ['a seeding flag that is not a boolean', (r) => ({ ...r, seeding: 'yes' })],
    ['a bitfield of the wrong length', (r) => ({ ...r, have: new Uint8Array(5) })],
    ['a bitfield with spare bits set', (r) => ({ ...r, have: new Uint8Array([0, 0xff]) })],
    ['a negative timestamp', (r) => ({ ...r, addedAtMs: -1 })],
    ['a NaN timestamp', (r) => ({ ...r, lastActivityAtMs: Number.NaN })],
  ];
  for (const [what, mutate] of broken) {
    it(`rejects ${what} as corrupt`, async () => {
      const value = mutate({ ...(await validRecord()) });
      expect(() => parseLibraryRecord(value)).toThrow(LibraryError);
      try {
        parseLibraryRecord(value);
      } catch (error) {
        expect((error as LibraryError).code).toBe('corrupt');
      }
    });
  }
});
