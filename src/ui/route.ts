import { SHARE_TARGET_FRAGMENT } from '../chunks/share-target.ts';

export type Route =
  | { kind: 'home' }
  /** A share link: `<shoal-open-link>` opens it (asking for a password if it has one). */
  | { kind: 'link'; fragment: string }
  /** Another app shared files into Shoal (the service worker parked them). */
  | { kind: 'incoming-share' };

/** What a `location.hash` shows: nothing → home, anything else is a link to open. */
export function routeFor(hash: string): Route {
  const fragment = hash.startsWith('#') ? hash.slice(1) : hash;
  if (fragment === '') return { kind: 'home' };
  if (fragment === SHARE_TARGET_FRAGMENT) return { kind: 'incoming-share' };
  return { kind: 'link', fragment };
}
