import { describe, expect, it } from 'vitest';
import {
  ARGON2_LIMITS,
  DEFAULT_ARGON2,
  WRAPPED_KEY_RECORD_BYTES,
  WrongPasswordError,
  decodeWrappedKey,
  encodeWrappedKey,
  unwrapKeyWithPassword,
  wrapKeyWithPassword,
  type Argon2Params,
  type WrappedShareKey,
} from '../../src/chunks/password-wrap.ts';
import { bytesEqual } from '../../src/chunks/sha256.ts';
import { seededBytes } from '../support/content.ts';

// Small enough for unit-test speed; the default is exercised once below.
const FAST: Argon2Params = { memoryKiB: 64, iterations: 1, parallelism: 1 };
const SHARE_KEY = seededBytes(32, 31);
const record = await wrapKeyWithPassword(SHARE_KEY, 'correct horse', { params: FAST });

describe('password-wrapped share key', () => {
  it('opens with the right password', async () => {
    expect(bytesEqual(await unwrapKeyWithPassword(record, 'correct horse'), SHARE_KEY)).toBe(true);
  });

  it.each(['Correct horse', 'correct horse ', '', 'battery staple'])('refuses %j with WrongPasswordError', async (password) => {
    await expect(unwrapKeyWithPassword(record, password)).rejects.toMatchObject({
      name: 'WrongPasswordError',
      code: 'wrong-password',
    });
  });

  it('allows a retry after a wrong password', async () => {
    await expect(unwrapKeyWithPassword(record, 'nope')).rejects.toThrow(WrongPasswordError);
    expect(bytesEqual(await unwrapKeyWithPassword(record, 'correct horse'), SHARE_KEY)).toBe(true);
  });

  it('opens with the same password typed in another Unicode normalization', async () => {
    const composed = await wrapKeyWithPassword(SHARE_KEY, 'caf\u00e9', { params: FAST });
    expect(bytesEqual(await unwrapKeyWithPassword(composed, 'cafe\u0301'), SHARE_KEY)).toBe(true);
  });

  it('draws a fresh salt at every wrap', async () => {
    const again = await wrapKeyWithPassword(SHARE_KEY, 'correct horse', { params: FAST });
    expect(bytesEqual(again.salt, record.salt)).toBe(false);
    expect(bytesEqual(again.wrapped, record.wrapped)).toBe(false);
  });

  it.each<[string, (r: WrappedShareKey) => WrappedShareKey]>([
    ['salt', (r) => ({ ...r, salt: r.salt.map((b, i) => (i === 0 ? b ^ 1 : b)) })],
    ['iterations', (r) => ({ ...r, params: { ...r.params, iterations: 2 } })],
    ['wrapped key', (r) => ({ ...r, wrapped: r.wrapped.map((b, i) => (i === 5 ? b ^ 1 : b)) })],
    ['tag', (r) => ({ ...r, wrapped: r.wrapped.map((b, i) => (i === 47 ? b ^ 1 : b)) })],
  ])('refuses the right password when the %s was altered', async (_what, alter) => {
    await expect(unwrapKeyWithPassword(alter(record), 'correct horse')).rejects.toThrow(WrongPasswordError);
  });

  it('wraps with the documented strong parameters by default', async () => {
    expect(DEFAULT_ARGON2).toEqual({ memoryKiB: 65536, iterations: 3, parallelism: 1 });
    const strong = await wrapKeyWithPassword(SHARE_KEY, 'pw');
    expect(strong.params).toEqual(DEFAULT_ARGON2);
  });

  it('refuses an empty password, a short key and parameters beyond the limits', async () => {
    await expect(wrapKeyWithPassword(SHARE_KEY, '', { params: FAST })).rejects.toThrow(RangeError);
    await expect(wrapKeyWithPassword(SHARE_KEY.subarray(1), 'pw', { params: FAST })).rejects.toThrow(RangeError);
    const huge = { ...FAST, memoryKiB: ARGON2_LIMITS.maxMemoryKiB + 1 };
    await expect(wrapKeyWithPassword(SHARE_KEY, 'pw', { params: huge })).rejects.toThrow(RangeError);
  });
});

describe('wrapped key record', () => {
  it('round-trips through its 70 bytes', () => {
    const bytes = encodeWrappedKey(record);
    expect(bytes.byteLength).toBe(WRAPPED_KEY_RECORD_BYTES);
    expect(WRAPPED_KEY_RECORD_BYTES).toBe(70);
    expect(decodeWrappedKey(bytes)).toEqual(record);
  });

  function withParams(p: Argon2Params): Uint8Array {
    const bytes = encodeWrappedKey(record);
    const view = new DataView(bytes.buffer);
    view.setUint32(0, p.memoryKiB, true);
    view.setUint8(4, p.iterations);
    view.setUint8(5, p.parallelism);
    return bytes;
  }

  it.each<[string, () => Uint8Array]>([
    ['one byte short', () => encodeWrappedKey(record).subarray(1)],
    ['one byte long', () => new Uint8Array([...encodeWrappedKey(record), 0])],
    ['memory above the cap', () => withParams({ ...FAST, memoryKiB: ARGON2_LIMITS.maxMemoryKiB + 1 })],
    ['memory below 8 KiB per lane', () => withParams({ memoryKiB: 15, iterations: 1, parallelism: 2 })],
    ['zero iterations', () => withParams({ ...FAST, iterations: 0 })],
    ['too many iterations', () => withParams({ ...FAST, iterations: ARGON2_LIMITS.maxIterations + 1 })],
    ['zero lanes', () => withParams({ ...FAST, parallelism: 0 })],
  ])('rejects a record %s', (_what, make) => {
    expect(decodeWrappedKey(make())).toBeNull();
  });
});
