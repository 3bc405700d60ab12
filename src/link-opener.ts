import { ShoalError } from './app-model.ts';
import { WrongPasswordError, unwrapKeyWithPassword } from './chunks/password-wrap.ts';
import { privateAccess, publicAccess, type ShareAccess } from './chunks/share-access.ts';
import { ShareLinkError, parseShareLink } from './chunks/share-link.ts';

/**
 * The access a link fragment grants. `held` finds what this browser already
 * keeps for a password link (a library item opens without its password: its
 * key is kept here); it is asked for nothing else, so public and private
 * links never wait for the library to load. Throws ShoalError: 'bad-link',
 * 'password-required' (ask, then call again with it) or 'wrong-password'
 * (nothing was stored; the user may try again).
 */
export async function accessForLink(
  fragment: string,
  password: string | undefined,
  held: (fragment: string) => Promise<ShareAccess | undefined> | ShareAccess | undefined,
): Promise<ShareAccess> {
  let link;
  try {
    link = parseShareLink(fragment.trim());
  } catch (error) {
    if (error instanceof ShareLinkError) throw new ShoalError('bad-link', error.message);
    throw error;
  }
  switch (link.kind) {
    case 'public':
      return publicAccess(link.swarmId);
    case 'private':
      return privateAccess({ shareKey: link.shareKey, fragment: fragment.trim() });
    case 'password': {
      const kept = await held(fragment.trim());
      if (kept) return kept;
      if (password === undefined) throw new ShoalError('password-required', 'This link is protected by a password.');
      try {
        const shareKey = await unwrapKeyWithPassword(link.wrappedKey, password);
        return await privateAccess({ shareKey, fragment: fragment.trim() });
      } catch (error) {
        if (error instanceof WrongPasswordError) throw new ShoalError('wrong-password', error.message);
        throw error;
      }
    }
  }
}
