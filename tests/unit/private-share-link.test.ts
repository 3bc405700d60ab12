import { describe, expect, it } from 'vitest';
import { encodeBase64url } from '../../src/chunks/base64url.ts';
import { encodeWrappedKey, wrapKeyWithPassword } from '../../src/chunks/password-wrap.ts';
import { ShareLinkError, formatShareLink, parseShareLink, type ShareLink, type ShareLinkErrorCode } from '../../src/chunks/share-link.ts';
import { seededBytes } from '../support/content.ts';

const SWARM_ID = encodeBase64url(seededBytes(32, 41));
const KEY = seededBytes(32, 42);
const KEY_TEXT = encodeBase64url(KEY);
const wrappedKey = await wrapKeyWithPassword(KEY, 'pw', { params: { memoryKiB: 8, iterations: 1, parallelism: 1 } });
const WRAPPED_TEXT = encodeBase64url(encodeWrappedKey(wrappedKey));

describe('share links', () => {
  it.each<[string, ShareLink, RegExp]>([
    ['public', { kind: 'public', swarmId: SWARM_ID }, /^[A-Za-z0-9_-]{43}$/],
    ['private', { kind: 'private', shareKey: KEY }, /^k1\.[A-Za-z0-9_-]{43}$/],
    ['password', { kind: 'password', wrappedKey }, /^pw1\.[A-Za-z0-9_-]{94}$/],
  ])('round-trips a %s link', (_kind, link, shape) => {
    const fragment = formatShareLink(link);
    expect(fragment).toMatch(shape);
    expect(parseShareLink(fragment)).toEqual(link);
    expect(parseShareLink(`#${fragment}`)).toEqual(link);
  });

  it('keeps today’s public links working unchanged', () => {
    expect(parseShareLink(`#${SWARM_ID}`)).toEqual({ kind: 'public', swarmId: SWARM_ID });
  });

  it('refuses to format a malformed link', () => {
    expect(() => formatShareLink({ kind: 'public', swarmId: 'short' })).toThrow(RangeError);
    expect(() => formatShareLink({ kind: 'private', shareKey: KEY.subarray(1) })).toThrow(RangeError);
  });

  const lastCharFlipped = (text: string): string => text.slice(0, -1) + (text.endsWith('A') ? 'B' : 'A');

  it.each<[string, string, ShareLinkErrorCode]>([
    ['nothing', '', 'empty'],
    ['a bare #', '#', 'empty'],
    ['a swarm id one char short', SWARM_ID.slice(1), 'bad-link'],
    ['a swarm id with spare bits set', SWARM_ID.slice(0, 42) + 'B', 'bad-link'],
    ['a key one char short', `k1.${KEY_TEXT.slice(1)}`, 'bad-link'],
    ['a key one char long', `k1.${KEY_TEXT}A`, 'bad-link'],
    ['a key with spare bits set', `k1.${KEY_TEXT.slice(0, 42)}B`, 'bad-link'],
    ['a key with padding', `k1.${KEY_TEXT}=`, 'bad-link'],
    ['a key with a non-alphabet character', `k1.${KEY_TEXT.slice(0, 10)}+${KEY_TEXT.slice(11)}`, 'bad-link'],
    ['an empty key', 'k1.', 'bad-link'],
    ['no dot', `k1${KEY_TEXT}`, 'bad-link'],
    ['an unknown kind', `z1.${KEY_TEXT}`, 'bad-link'],
    ['an uppercase kind', `K1.${KEY_TEXT}`, 'bad-link'],
    ['a zero-padded version', `k01.${KEY_TEXT}`, 'bad-link'],
    ['version 0', `k0.${KEY_TEXT}`, 'bad-link'],
    ['key version 2', `k2.${KEY_TEXT}`, 'unsupported-version'],
    ['password version 9', `pw9.${WRAPPED_TEXT}`, 'unsupported-version'],
    ['a wrapped key one char short', `pw1.${WRAPPED_TEXT.slice(1)}`, 'bad-link'],
    ['a wrapped key with spare bits set', `pw1.${lastCharFlipped(WRAPPED_TEXT).slice(0, -1)}B`, 'bad-link'],
    ['a wrapped key given as a plain key', `k1.${WRAPPED_TEXT}`, 'bad-link'],
    ['a plain key given as a wrapped key', `pw1.${KEY_TEXT}`, 'bad-link'],
    ['an over-long fragment', `k1.${'A'.repeat(1000)}`, 'bad-link'],
    ['a URL pasted into the fragment', 'https://example.org/#abc', 'bad-link'],
    ['whitespace', ` k1.${KEY_TEXT}`, 'bad-link'],
  ])('rejects %s', (_what, fragment, code) => {
    let caught: unknown;
    try {
      parseShareLink(fragment);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ShareLinkError);
    expect((caught as ShareLinkError).code).toBe(code);
  });

  it('rejects a wrapped key whose Argon2 memory exceeds the cap', () => {
    const bytes = encodeWrappedKey(wrappedKey);
    new DataView(bytes.buffer).setUint32(0, 0xffff_ffff, true);
    expect(() => parseShareLink(`pw1.${encodeBase64url(bytes)}`)).toThrow(ShareLinkError);
  });
});
