import type { HashReply, HashRequest } from './hash-protocol.ts';
import {
  ManifestError,
  choosePieceLength,
  createManifest,
  normalizeMime,
  type Manifest,
  type ManifestFile,
} from './manifest.ts';
import { chooseCipherPieceLength, plainPieceLength } from './piece-cipher.ts';
import { SHA256_BYTES } from './sha256.ts';
import { CodedError } from '../coded-error.ts';
import { listenToWorker } from './worker-replies.ts';

export interface HashInput {
  file: File;
  /** '/'-separated path relative to the drop (webkitRelativePath or a directory walk). */
  path: string;
}

export interface HashOptions {
  pieceLength?: number;
  /** Called at most ~10 times a second while hashing, and once at the end. */
  onProgress?: (bytesHashed: number, totalBytes: number) => void;
  signal?: AbortSignal;
}

export type HashErrorCode = 'empty' | 'bad-input' | 'read-failed' | 'worker-failed';

export class HashError extends CodedError<HashErrorCode> {
  override name = 'HashError';
}

/**
 * Builds the manifest for dropped files, hashing in a Web Worker so the page
 * stays responsive. The worker receives File handles, never the bytes.
 * Aborting terminates the worker and rejects with a DOMException named
 * 'AbortError'.
 */
export async function hashFiles(files: HashInput[], opts: HashOptions = {}): Promise<Manifest> {
  const plan = planShare(files, opts.pieceLength ?? choosePieceLength(totalOf(files)), opts);
  const pieceHashes = await hashPlan(plan, plan.pieceLength, null, opts);
  return toManifest(plan.name, plan.files, plan.pieceLength, pieceHashes);
}

/** What `sealPrivateShare` needs: the plaintext listing and the hashes of the encrypted pieces. */
export interface SealedHashes {
  name: string;
  files: ManifestFile[];
  cipherPieceLength: number;
  cipherPieceHashes: Uint8Array;
}

/**
 * Hashes a private share: the worker cuts the files into pieces one tag
 * shorter than `cipherPieceLength`, encrypts each with `pieceKey` and hashes
 * the ciphertext, so any peer can verify pieces without the key.
 */
export async function hashSealedFiles(files: HashInput[], pieceKey: CryptoKey, opts: HashOptions = {}): Promise<SealedHashes> {
  const plan = planShare(files, chooseCipherPieceLength(totalOf(files)), opts);
  const cipherPieceHashes = await hashPlan(plan, plainPieceLength(plan.pieceLength), pieceKey, opts);
  return { name: plan.name, files: plan.files, cipherPieceLength: plan.pieceLength, cipherPieceHashes };
}

interface SharePlan {
  name: string;
  files: ManifestFile[];
  /** In manifest order. */
  handles: File[];
  total: number;
  pieceLength: number;
}

function totalOf(files: HashInput[]): number {
  return files.reduce((sum, f) => sum + f.file.size, 0);
}

/** Orders the files and rejects bad input now rather than after minutes of hashing. */
function planShare(files: HashInput[], pieceLength: number, opts: HashOptions): SharePlan {
  if (opts.signal?.aborted) throw abortError();
  if (files.length === 0) throw new HashError('empty', 'No files to share.');
  const ordered = [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const entries: ManifestFile[] = ordered.map(({ file, path }) => ({ path, size: file.size, mime: normalizeMime(file.type) }));
  const total = entries.reduce((sum, f) => sum + f.size, 0);
  if (total === 0) throw new HashError('empty', 'All the files are empty; there is nothing to share.');
  const name = shareName(ordered.map((f) => f.path));
  // The same listing rules for both kinds: a private share's inner manifest is checked like a public one.
  toManifest(name, entries, pieceLength, new Uint8Array(Math.ceil(total / pieceLength) * SHA256_BYTES));
  return { name, files: entries, handles: ordered.map((f) => f.file), total, pieceLength };
}

async function hashPlan(plan: SharePlan, readPieceLength: number, pieceKey: CryptoKey | null, opts: HashOptions): Promise<Uint8Array> {
  const pieceCount = Math.ceil(plan.total / readPieceLength);
  const pieceHashes = await runWorker({ type: 'hash', files: plan.handles, pieceLength: readPieceLength, pieceKey }, plan.total, opts);
  if (pieceHashes.byteLength !== pieceCount * SHA256_BYTES) {
    throw new HashError('worker-failed', `worker returned ${pieceHashes.byteLength} hash bytes for ${pieceCount} pieces`);
  }
  opts.onProgress?.(plan.total, plan.total);
  return pieceHashes;
}

/** One file: its name. Several: their common top folder, else "N files". */
export function shareName(paths: readonly string[]): string {
  if (paths.length === 1) return paths[0].slice(paths[0].lastIndexOf('/') + 1);
  const tops = new Set(paths.map((p) => (p.includes('/') ? p.slice(0, p.indexOf('/')) : null)));
  const [top] = tops;
  return tops.size === 1 && top !== null && top !== undefined ? top : `${paths.length} files`;
}

function toManifest(name: string, files: ManifestFile[], pieceLength: number, pieceHashes: Uint8Array): Manifest {
  try {
    return createManifest({ name, files, pieceLength, pieceHashes });
  } catch (error) {
    if (!(error instanceof ManifestError)) throw error;
    throw new HashError('bad-input', error.message, { cause: error });
  }
}

function runWorker(request: HashRequest, total: number, opts: HashOptions): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./hash-worker.ts', import.meta.url), { type: 'module' });
    const finish = (settle: () => void): void => {
      worker.terminate();
      opts.signal?.removeEventListener('abort', onAbort);
      settle();
    };
    const onAbort = (): void => finish(() => reject(abortError()));
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    listenToWorker<HashReply>(
      worker,
      'hashing worker',
      (reply) => {
        if (reply.type === 'progress') opts.onProgress?.(reply.bytesHashed, total);
        else if (reply.type === 'done') finish(() => resolve(new Uint8Array(reply.pieceHashes)));
        else finish(() => reject(new HashError(reply.code === 'read-failed' ? 'read-failed' : 'worker-failed', reply.message)));
      },
      (why) => finish(() => reject(new HashError('worker-failed', why))),
    );
    worker.postMessage(request);
  });
}

function abortError(): DOMException {
  return new DOMException('Hashing was cancelled.', 'AbortError');
}
