import { Bitfield, BitfieldError } from './bitfield.ts';
import { PrivateManifestError, readEnvelopeOuter } from './manifest-cipher.ts';
import { ManifestError, decodeManifest, isSwarmId, pieceCount, type Manifest, type SwarmId } from './manifest.ts';
import { SHARE_KEY_BYTES } from './share-key.ts';
import { ShareLinkError, parseShareLink } from './share-link.ts';
import { privateAccess, publicAccess, type ShareAccess, type ShareContent, type ShareSecret } from './share-access.ts';
import { CodedError } from '../coded-error.ts';

/**
 * What this browser remembers about one swarm besides its pieces: the
 * metadata (a public manifest's canonical bytes, so its hash still names the
 * swarm; or a private share's envelope, with the key that opens it), which
 * pieces are stored, and the user's choices. Kept in the library database;
 * the pieces live in the swarm's own database.
 */
export interface LibraryRecord {
  swarmId: SwarmId;
  /** The metadata peers exchange: `encodeManifest` bytes, or a private share's envelope. */
  manifest: Uint8Array;
  /** Private shares only: kept because the user keeps the item, so it can resume and seed. */
  secret?: ShareSecret;
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
export interface ParsedRecord {
  record: LibraryRecord;
  /** What pieces are verified against (a private share's outer manifest). */
  manifest: Manifest;
  have: Bitfield;
}

/** A record checked against its swarm id and opened: what the runtime runs and shows. */
export interface LibraryEntry {
  record: LibraryRecord;
  access: ShareAccess;
  content: ShareContent;
  have: Bitfield;
}

export type LibraryErrorCode = 'corrupt';

export class LibraryError extends CodedError<LibraryErrorCode> {
  override name = 'LibraryError';
}

/**
 * Checks a value read back from IndexedDB: anything (an older format, a
 * hand-edited database) may be there. Throws LibraryError('corrupt').
 * The manifest's hash and the envelope's key are checked by openLibraryRecord.
 */
export function parseLibraryRecord(value: unknown): ParsedRecord {
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
  const secret = v.secret === undefined ? undefined : parseSecret(id, v.secret);
  let manifest: Manifest;
  let have: Bitfield;
  try {
    manifest = secret ? readEnvelopeOuter(v.manifest) : decodeManifest(v.manifest);
    have = Bitfield.fromBytes(v.have, pieceCount(manifest));
  } catch (error) {
    if (error instanceof ManifestError || error instanceof BitfieldError || error instanceof PrivateManifestError) {
      throw new LibraryError('corrupt', `${id}: ${error.message}`, { cause: error });
    }
    throw error;
  }
  const record: LibraryRecord = {
    swarmId: id,
    manifest: v.manifest,
    ...(secret ? { secret } : {}),
    origin: v.origin,
    seeding: v.seeding,
    have: v.have,
    addedAtMs: v.addedAtMs as number,
    lastActivityAtMs: v.lastActivityAtMs as number,
  };
  return { record, manifest, have };
}

/**
 * Parses a record and checks it still describes its swarm: a public
 * manifest hashes to its key; a private envelope opens with its key, whose
 * room id is the record's key. Throws LibraryError('corrupt').
 */
export async function openLibraryRecord(value: unknown): Promise<LibraryEntry> {
  const { record, have } = parseLibraryRecord(value);
  const access = record.secret ? await privateAccess(record.secret) : publicAccess(record.swarmId);
  if (access.swarmId !== record.swarmId) throw corrupt(`${record.swarmId}: the kept key names another room`);
  const content = await access.open(record.manifest);
  if ('reason' in content) throw corrupt(`${record.swarmId}: ${content.reason}`);
  return { record, access, content, have };
}

function parseSecret(id: SwarmId, value: unknown): ShareSecret {
  const v = value as Record<string, unknown> | null;
  if (typeof v !== 'object' || v === null || !(v.shareKey instanceof Uint8Array) || v.shareKey.byteLength !== SHARE_KEY_BYTES) {
    throw corrupt(`${id}: bad share key`);
  }
  if (typeof v.fragment !== 'string') throw corrupt(`${id}: bad link`);
  try {
    if (parseShareLink(v.fragment).kind === 'public') throw corrupt(`${id}: a kept key with a public link`);
  } catch (error) {
    if (error instanceof ShareLinkError) throw corrupt(`${id}: bad link (${error.message})`);
    throw error;
  }
  return { shareKey: v.shareKey, fragment: v.fragment };
}

function corrupt(message: string): LibraryError {
  return new LibraryError('corrupt', `library record: ${message}`);
}
