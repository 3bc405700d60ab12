import { DecryptError } from './aes-gcm.ts';
import { decodeBase64url } from './base64url.ts';
import { PrivateManifestError, openPrivateShare, readEnvelopeOuter } from './manifest-cipher.ts';
import { encodeManifest, type Manifest, type ManifestFile, type SwarmId } from './manifest.ts';
import { hashNamesManifest, type MetadataCheck } from './metadata-check.ts';
import type { PieceGeometry } from './piece-layout.ts';
import { sha256 } from './sha256.ts';
import { deriveShareKeys } from './share-key.ts';
import { parseShareLink } from './share-link.ts';

/**
 * How this browser reaches one share: which swarm it joins, how it judges
 * the metadata peers send, and what it can read of the content.
 *
 * - public: the swarm id is the manifest's hash; anyone with it reads all.
 * - private / password: the swarm id is the room id derived from the share
 *   key; the metadata is the envelope and only the key opens its listing.
 * - relay: knows only a private share's room id; stores and serves
 *   ciphertext it can verify by hash but never read.
 */
export type Visibility = 'public' | 'private' | 'password' | 'relay';

/** What a person sees of a share: names, sizes, types, and where each file's bytes lie. */
export interface Listing {
  name: string;
  files: readonly ManifestFile[];
  /** Plaintext layout (a public share's manifest; for a private share, pieces one tag shorter). */
  geometry: PieceGeometry;
}

export interface ShareContent {
  /** What pieces are verified against: the public manifest, or a private share's outer one. */
  manifest: Manifest;
  /** The bytes peers exchange: the encoded manifest, or the private envelope. */
  metadata: Uint8Array;
  /** Null for a relay, which cannot read the listing. */
  listing: Listing | null;
  /** Decrypts pieces; null when pieces are plaintext (public) or unreadable (relay). */
  pieceKey: CryptoKey | null;
}

/** What a private library item keeps so it can resume and seed: the key, and the link it came from. */
export interface ShareSecret {
  shareKey: Uint8Array;
  /** The link fragment, `k1.…` or `pw1.…` (which needs the password again if shared on). */
  fragment: string;
}

export interface ShareAccess {
  readonly swarmId: SwarmId;
  readonly visibility: Visibility;
  /** The link fragment people share (a relay has none of its own: its room id). */
  readonly fragment: string;
  readonly secret: ShareSecret | null;
  /** The content the metadata describes, or why it does not describe this share. */
  open(metadata: Uint8Array): Promise<ShareContent | { reason: string }>;
}

/** The swarm's metadata check for this access; `accepted` hears every content it let through. */
export function metadataCheck(access: ShareAccess, accepted: (content: ShareContent) => void = () => undefined): MetadataCheck {
  return async (bytes) => {
    const content = await access.open(bytes);
    if ('reason' in content) return content;
    accepted(content);
    return content.manifest;
  };
}

export function publicContent(manifest: Manifest, metadata = encodeManifest(manifest)): ShareContent {
  return { manifest, metadata, listing: { name: manifest.name, files: manifest.files, geometry: manifest }, pieceKey: null };
}

export function publicAccess(swarmId: SwarmId): ShareAccess {
  const swarmIdBytes = decodeBase64url(swarmId);
  if (!swarmIdBytes) throw new RangeError(`not a swarm id: ${swarmId}`);
  const check = hashNamesManifest(swarmIdBytes, sha256);
  return {
    swarmId,
    visibility: 'public',
    fragment: swarmId,
    secret: null,
    async open(metadata) {
      const manifest = await check(metadata);
      return 'reason' in manifest ? manifest : publicContent(manifest, metadata);
    },
  };
}

/** A key holder's access; the fragment says whether the link was password-protected. */
export async function privateAccess(secret: ShareSecret): Promise<ShareAccess> {
  const keys = await deriveShareKeys(secret.shareKey);
  return {
    swarmId: keys.roomId,
    visibility: parseShareLink(secret.fragment).kind === 'password' ? 'password' : 'private',
    fragment: secret.fragment,
    secret,
    async open(metadata) {
      try {
        const opened = await openPrivateShare(keys, metadata);
        const listing = { name: opened.name, files: opened.files, geometry: opened.plainGeometry };
        return { manifest: opened.outer, metadata, listing, pieceKey: keys.pieceKey };
      } catch (error) {
        if (error instanceof DecryptError || error instanceof PrivateManifestError) return { reason: `${error.code}: ${error.message}` };
        throw error;
      }
    },
  };
}

/** Trusts the first well-formed envelope: nothing ties an outer manifest to a room id (security.md). */
export function relayAccess(roomId: SwarmId): ShareAccess {
  return {
    swarmId: roomId,
    visibility: 'relay',
    fragment: roomId,
    secret: null,
    async open(metadata) {
      try {
        return { manifest: readEnvelopeOuter(metadata), metadata, listing: null, pieceKey: null };
      } catch (error) {
        if (error instanceof PrivateManifestError) return { reason: `${error.code}: ${error.message}` };
        throw error;
      }
    },
  };
}
