import { ShoalError, type ShoalApp, type ShoalErrorCode, type SwarmId } from '../app-model.ts';
import { SHARE_TARGET_FRAGMENT } from '../chunks/share-target.ts';

export type Route =
  | { kind: 'home' }
  | { kind: 'transfer'; swarmId: SwarmId }
  /** Another app shared files into Shoal (the service worker parked them). */
  | { kind: 'incoming-share' }
  | { kind: 'error'; code: ShoalErrorCode; detail: string };

/** What a `location.hash` shows: nothing → home, anything else is handed to the app as a link. */
export function routeFor(app: ShoalApp, hash: string): Route {
  const fragment = hash.startsWith('#') ? hash.slice(1) : hash;
  if (fragment === '') return { kind: 'home' };
  if (fragment === SHARE_TARGET_FRAGMENT) return { kind: 'incoming-share' };
  try {
    return { kind: 'transfer', swarmId: app.openLink(fragment) };
  } catch (err) {
    if (err instanceof ShoalError) return { kind: 'error', code: err.code, detail: err.message };
    console.error('shoal: opening link failed', err);
    return { kind: 'error', code: 'unknown', detail: err instanceof Error ? err.message : String(err) };
  }
}
