import { decodeBase64url, encodeBase64url } from './base64url.ts';
import { isSwarmId, type SwarmId } from './manifest.ts';
import { decodeWrappedKey, encodeWrappedKey, type WrappedShareKey } from './password-wrap.ts';
import { SHARE_KEY_BYTES } from './share-key.ts';
import { CodedError } from '../coded-error.ts';

/**
 * What follows `#` in a share link. Browsers never send the fragment to a
 * server, which is why the key may live there.
 *
 * ```
 * public     <swarm id>              43 base64url chars, as before private shares
 * private    k1.<share key>          43 base64url chars: the 32-byte key
 * password   pw1.<wrapped key>       94 base64url chars: the 70-byte record of password-wrap.ts
 * ```
 *
 * A private form is `<kind><version>.<payload>`; a public swarm id never
 * contains '.', so the forms cannot be confused. A known kind with another
 * version is 'unsupported-version' (a newer Shoal made it), anything else
 * that does not match exactly is 'bad-link'.
 */

export type ShareLink =
  | { kind: 'public'; swarmId: SwarmId }
  | { kind: 'private'; shareKey: Uint8Array }
  | { kind: 'password'; wrappedKey: WrappedShareKey };

export type ShareLinkErrorCode = 'empty' | 'bad-link' | 'unsupported-version';

export class ShareLinkError extends CodedError<ShareLinkErrorCode> {
  override name = 'ShareLinkError';
}

const PRIVATE_KIND = 'k';
const PASSWORD_KIND = 'pw';
const VERSION = 1;
const PRIVATE_FORM = /^(k|pw)([1-9]\d{0,2})\.([A-Za-z0-9_-]*)$/;
// Fragments are short; refuse a pasted novel before any regex sees it.
const MAX_FRAGMENT_CHARS = 256;

/** The fragment without '#'. */
export function formatShareLink(link: ShareLink): string {
  switch (link.kind) {
    case 'public':
      if (!isSwarmId(link.swarmId)) throw new RangeError(`not a swarm id: ${link.swarmId}`);
      return link.swarmId;
    case 'private':
      if (link.shareKey.byteLength !== SHARE_KEY_BYTES) throw new RangeError(`share key must be ${SHARE_KEY_BYTES} bytes`);
      return `${PRIVATE_KIND}${VERSION}.${encodeBase64url(link.shareKey)}`;
    case 'password':
      return `${PASSWORD_KIND}${VERSION}.${encodeBase64url(encodeWrappedKey(link.wrappedKey))}`;
  }
}

/** Accepts `location.hash` with or without its '#'; throws ShareLinkError. */
export function parseShareLink(hash: string): ShareLink {
  const fragment = hash.startsWith('#') ? hash.slice(1) : hash;
  if (fragment === '') throw new ShareLinkError('empty', 'the link has nothing after #');
  if (fragment.length > MAX_FRAGMENT_CHARS) throw new ShareLinkError('bad-link', 'the link is too long');
  if (isSwarmId(fragment)) return { kind: 'public', swarmId: fragment };
  const match = PRIVATE_FORM.exec(fragment);
  if (!match) throw new ShareLinkError('bad-link', 'the link is not a Shoal share link');
  const [, kind, version, payload] = match;
  if (version !== String(VERSION)) {
    throw new ShareLinkError('unsupported-version', `link version ${version} needs a newer Shoal`);
  }
  const bytes = decodeBase64url(payload);
  if (kind === PRIVATE_KIND) {
    if (!bytes || bytes.byteLength !== SHARE_KEY_BYTES) throw new ShareLinkError('bad-link', 'the key in the link is damaged');
    return { kind: 'private', shareKey: bytes };
  }
  const wrappedKey = bytes && decodeWrappedKey(bytes);
  if (!wrappedKey) throw new ShareLinkError('bad-link', 'the protected key in the link is damaged');
  return { kind: 'password', wrappedKey };
}
