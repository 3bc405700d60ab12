import { Bitfield, BitfieldError } from './bitfield.ts';
import { ManifestError, decodeManifest, isSwarmId, pieceCount, type Manifest, type SwarmId } from './manifest.ts';

/**
 * What this browser remembers about one swarm besides its pieces: the
 * manifest (canonical bytes, so its hash still names the swarm), which
 * pieces are stored, and the user's choices. Kept in the library database;
 * the pieces live in the swarm's own database.
 */
export interface LibraryRecord {
  swarmId: SwarmId;
  /** `encodeManifest` bytes. */
  manifest: Uint8Array;
  /** Shared from this browser's files, or downloaded from a link. */
  origin: 'shared' | 'downloaded';
  /** Join the swarm and serve pieces while the app is open. */
  seeding: boolean;
  /** Bitfield bytes of the pieces committed to the piece store (a lower bound: written after them). */
  have: Uint8Array;
  addedAtMs: number;
  lastActivityAtMs: number;
}

/** A record with its manifest decoded and its bitfield parsed. */
export interface LibraryEntry {
  record: LibraryRecord;
  manifest: Manifest;
  have: Bitfield;
}

export type LibraryErrorCode = 'corrupt';

export class LibraryError extends Error {
  override name = 'LibraryError';
  constructor(
    readonly code: LibraryErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * Checks a value read back from IndexedDB: anything (an older format, a
 * hand-edited database) may be there. Throws LibraryError('corrupt').
 * The manifest's hash is not checked here (that is async); the store does it.
 */
export function parseLibraryRecord(value: unknown): LibraryEntry {
  if (typeof value !== 'object' || value === null) throw corrupt('not an object');
  const v = value as Record<string, unknown>;
  if (typeof v.swarmId !== 'string' || !isSwarmId(v.swarmId)) throw corrupt('bad swarm id');
  const id = v.swarmId;
  if (!(v.manifest instanceof Uint8Array)) throw corrupt(`${id}: manifest is not bytes`);
  if (v.origin !== 'shared' && v.origin !== 'downloaded') throw corrupt(`${id}: bad origin`);
  if (typeof v.seeding !== 'boolean') throw corrupt(`${id}: bad seeding flag`);
  if (!(v.have instanceof Uint8Array)) throw corrupt(`${id}: bitfield is not bytes`);
  for (const field of ['addedAtMs', 'lastActivityAtMs'] as const) {
    const n = v[field];
    if (typeof n !== 'number' || !Number.isFinite(n) || n < 0) throw corrupt(`${id}: bad ${field}`);
  }
  let manifest: Manifest;
  let have: Bitfield;
  try {
    manifest = decodeManifest(v.manifest);
    have = Bitfield.fromBytes(v.have, pieceCount(manifest));
  } catch (error) {
    if (error instanceof ManifestError || error instanceof BitfieldError) {
      throw new LibraryError('corrupt', `${id}: ${error.message}`, { cause: error });
    }
    throw error;
  }
  const record: LibraryRecord = {
    swarmId: id,
    manifest: v.manifest,
    origin: v.origin,
    seeding: v.seeding,
    have: v.have,
    addedAtMs: v.addedAtMs as number,
    lastActivityAtMs: v.lastActivityAtMs as number,
  };
  return { record, manifest, have };
}

function corrupt(message: string): LibraryError {
  return new LibraryError('corrupt', `library record: ${message}`);
}
