import type { HashingProgress, ShareInputFile } from './app-model.ts';
import { sealPrivateShare } from './chunks/manifest-cipher.ts';
import { encodeManifest, swarmIdOf } from './chunks/manifest.ts';
import { wrapKeyWithPassword } from './chunks/password-wrap.ts';
import { hashFiles, hashSealedFiles } from './chunks/piece-hasher.ts';
import { privateAccess, publicAccess, type ShareAccess, type ShareContent } from './chunks/share-access.ts';
import { createShareKey, deriveShareKeys } from './chunks/share-key.ts';
import { formatShareLink } from './chunks/share-link.ts';

export interface MakeShareOptions {
  /** Private (the default) encrypts in this browser; public names the content by its hash. */
  visibility: 'public' | 'private';
  /** Private only: lock the link's key with this password (Argon2id). */
  password?: string;
  onProgress?: (p: HashingProgress) => void;
  signal?: AbortSignal;
}

export interface MadeShare {
  access: ShareAccess;
  content: ShareContent;
  /** The dropped files in listing order, for the seed to read pieces from. */
  files: File[];
}

/**
 * Turns dropped files into a share. Private: a fresh random key, pieces
 * encrypted before hashing, the listing sealed into the envelope, the key
 * (or its password-wrapped form) only in the link fragment.
 */
export async function makeShare(input: ShareInputFile[], opts: MakeShareOptions): Promise<MadeShare> {
  const onProgress = (bytesHashed: number, totalBytes: number) => opts.onProgress?.({ bytesHashed, totalBytes });
  const hashOptions = { onProgress, signal: opts.signal };
  let access: ShareAccess;
  let metadata: Uint8Array;
  if (opts.visibility === 'public') {
    const manifest = await hashFiles(input, hashOptions);
    metadata = encodeManifest(manifest);
    access = publicAccess(await swarmIdOf(metadata));
  } else {
    const shareKey = createShareKey();
    // Before hashing: a refused password should not cost the user a minute of hashing first.
    const fragment = formatShareLink(
      opts.password
        ? { kind: 'password', wrappedKey: await wrapKeyWithPassword(shareKey, opts.password) }
        : { kind: 'private', shareKey },
    );
    const keys = await deriveShareKeys(shareKey);
    const hashed = await hashSealedFiles(input, keys.pieceKey, hashOptions);
    metadata = (await sealPrivateShare(keys, hashed)).envelope;
    access = await privateAccess({ shareKey, fragment });
  }
  const content = await access.open(metadata);
  if ('reason' in content) throw new Error(`a share just made does not open: ${content.reason}`);
  const byPath = new Map(input.map((f) => [f.path, f.file]));
  return { access, content, files: content.listing!.files.map((f) => byPath.get(f.path)!) };
}
