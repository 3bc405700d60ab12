import { ManifestError, decodeManifest, type Manifest } from './manifest.ts';
import { bytesEqual } from './sha256.ts';

/**
 * Decides whether a peer's metadata bytes describe this swarm: the manifest
 * to verify pieces against, or why the bytes were refused. A public share
 * checks the bytes hash to its swarm id; a private share opens its envelope
 * with the key (or, for a relay without the key, checks only its form).
 */
export type MetadataCheck = (bytes: Uint8Array) => Promise<Manifest | { reason: string }>;

/** Public shares: the swarm id is SHA-256 of the canonical manifest bytes. */
export function hashNamesManifest(swarmIdBytes: Uint8Array, hash: (bytes: Uint8Array) => Promise<Uint8Array>): MetadataCheck {
  return async (bytes) => {
    if (!bytesEqual(await hash(bytes), swarmIdBytes)) return { reason: 'hash mismatch' };
    try {
      return decodeManifest(bytes);
    } catch (error) {
      if (!(error instanceof ManifestError)) throw error;
      return { reason: `${error.code}: ${error.message}` };
    }
  };
}
