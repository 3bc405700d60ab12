import { GCM_NONCE_BYTES, GCM_TAG_BYTES, gcmDecrypt, gcmEncrypt, importAesKey } from './aes-gcm.ts';
import { SHARE_KEY_BYTES } from './share-key.ts';
import { CodedError } from '../coded-error.ts';

/**
 * A password-protected link carries the share key wrapped under a key
 * derived from the password with Argon2id, so the link alone opens nothing.
 *
 * Wrapped key record, little-endian (the link carries it in base64url):
 *
 * ```
 * MEMORY_OFFSET       0  u32   Argon2id memory, KiB
 * ITERATIONS_OFFSET   4  u8    Argon2id passes
 * PARALLELISM_OFFSET  5  u8    Argon2id lanes
 * SALT_OFFSET         6  16 bytes random salt
 * WRAPPED_OFFSET     22  48 bytes AES-256-GCM(share key) ‖ tag
 * ```
 *
 * The first 22 bytes are the GCM associated data, so a link whose
 * parameters or salt were altered fails like a wrong password.
 */

export interface Argon2Params {
  memoryKiB: number;
  iterations: number;
  parallelism: number;
}

export interface WrappedShareKey {
  params: Argon2Params;
  salt: Uint8Array;
  /** The encrypted share key and its tag. */
  wrapped: Uint8Array;
}

/** ~0.8–1.0 s in Node 20 (hash-wasm) on these machines; see docs/private-shares.md. */
export const DEFAULT_ARGON2: Readonly<Argon2Params> = { memoryKiB: 64 * 1024, iterations: 3, parallelism: 1 };

/**
 * What a link may ask for. A link comes from anyone, so the caps stop one
 * from making the opener's tab allocate gigabytes or spin for minutes.
 */
export const ARGON2_LIMITS = {
  maxMemoryKiB: 256 * 1024,
  maxIterations: 16,
  maxParallelism: 4,
} as const;

export const SALT_BYTES = 16;

export type WrongPasswordErrorCode = 'wrong-password';

export class WrongPasswordError extends CodedError<WrongPasswordErrorCode> {
  override name = 'WrongPasswordError';
  constructor() {
    super('wrong-password', 'wrong password');
  }
}

const MEMORY_OFFSET = 0;
const ITERATIONS_OFFSET = MEMORY_OFFSET + 4;
const PARALLELISM_OFFSET = ITERATIONS_OFFSET + 1;
const SALT_OFFSET = PARALLELISM_OFFSET + 1;
const WRAPPED_OFFSET = SALT_OFFSET + SALT_BYTES;
export const WRAPPED_KEY_RECORD_BYTES = WRAPPED_OFFSET + SHARE_KEY_BYTES + GCM_TAG_BYTES;
// Every wrap draws a fresh salt, so each password-derived key encrypts exactly one message.
const ZERO_NONCE = new Uint8Array(GCM_NONCE_BYTES);

export async function wrapKeyWithPassword(
  shareKey: Uint8Array,
  password: string,
  opts: { params?: Argon2Params } = {},
): Promise<WrappedShareKey> {
  if (shareKey.byteLength !== SHARE_KEY_BYTES) throw new RangeError(`share key must be ${SHARE_KEY_BYTES} bytes`);
  if (password === '') throw new RangeError('password is empty');
  const params = { ...(opts.params ?? DEFAULT_ARGON2) };
  if (!argon2ParamsAllowed(params)) throw new RangeError(`Argon2id parameters out of range: ${JSON.stringify(params)}`);
  const salt = crypto.getRandomValues(new Uint8Array(SALT_BYTES));
  const kek = await passwordKey(password, params, salt);
  const wrapped = await gcmEncrypt(kek, ZERO_NONCE, shareKey, header(params, salt));
  return { params, salt, wrapped };
}

/** The share key; throws WrongPasswordError when the password (or the record) is wrong. */
export async function unwrapKeyWithPassword(record: WrappedShareKey, password: string): Promise<Uint8Array> {
  // Wrapping refuses empty passwords, so none can be right (and Argon2 would throw on it).
  if (password === '') throw new WrongPasswordError();
  const kek = await passwordKey(password, record.params, record.salt);
  const shareKey = await gcmDecrypt(kek, ZERO_NONCE, record.wrapped, header(record.params, record.salt));
  if (!shareKey) throw new WrongPasswordError();
  return shareKey;
}

export function encodeWrappedKey(record: WrappedShareKey): Uint8Array {
  const out = new Uint8Array(WRAPPED_KEY_RECORD_BYTES);
  out.set(header(record.params, record.salt));
  out.set(record.wrapped, WRAPPED_OFFSET);
  return out;
}

/** The record, or null when its length or parameters are not ones a link may carry. */
export function decodeWrappedKey(bytes: Uint8Array): WrappedShareKey | null {
  if (bytes.byteLength !== WRAPPED_KEY_RECORD_BYTES) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const params: Argon2Params = {
    memoryKiB: view.getUint32(MEMORY_OFFSET, true),
    iterations: view.getUint8(ITERATIONS_OFFSET),
    parallelism: view.getUint8(PARALLELISM_OFFSET),
  };
  if (!argon2ParamsAllowed(params)) return null;
  return {
    params,
    salt: bytes.slice(SALT_OFFSET, WRAPPED_OFFSET),
    wrapped: bytes.slice(WRAPPED_OFFSET),
  };
}

export function argon2ParamsAllowed(p: Argon2Params): boolean {
  const int = (n: number, min: number, max: number): boolean => Number.isInteger(n) && n >= min && n <= max;
  return (
    int(p.parallelism, 1, ARGON2_LIMITS.maxParallelism) &&
    int(p.iterations, 1, ARGON2_LIMITS.maxIterations) &&
    // Argon2 needs at least 8 KiB per lane.
    int(p.memoryKiB, 8 * p.parallelism, ARGON2_LIMITS.maxMemoryKiB)
  );
}

function header(params: Argon2Params, salt: Uint8Array): Uint8Array {
  if (salt.byteLength !== SALT_BYTES) throw new RangeError(`salt must be ${SALT_BYTES} bytes`);
  const out = new Uint8Array(WRAPPED_OFFSET);
  const view = new DataView(out.buffer);
  view.setUint32(MEMORY_OFFSET, params.memoryKiB, true);
  view.setUint8(ITERATIONS_OFFSET, params.iterations);
  view.setUint8(PARALLELISM_OFFSET, params.parallelism);
  out.set(salt, SALT_OFFSET);
  return out;
}

async function passwordKey(password: string, params: Argon2Params, salt: Uint8Array): Promise<CryptoKey> {
  // Loaded on first use: only password links need Argon2, and its wasm is a sixth of the page's script.
  const { argon2id } = await import('hash-wasm');
  const raw = await argon2id({
    // NFC: the same typed password must give the same bytes whatever the keyboard or OS composed.
    password: password.normalize('NFC'),
    salt,
    memorySize: params.memoryKiB,
    iterations: params.iterations,
    parallelism: params.parallelism,
    hashLength: SHARE_KEY_BYTES,
    outputType: 'binary',
  });
  return importAesKey(raw);
}
