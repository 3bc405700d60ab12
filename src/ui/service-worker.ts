/// <reference types="vite-plugin-pwa/vanillajs" />
import { registerSW } from 'virtual:pwa-register';
import type { ShoalAppElement } from './shoal-app.ts';

/**
 * Registers the app's service worker (offline app shell, share target) and
 * tells the page when a new version waits, so it can offer a reload.
 */
export function registerServiceWorker(app: ShoalAppElement): void {
  if (!('serviceWorker' in navigator)) return;
  const activateWaiting = registerSW({
    onNeedRefresh: () => (app.updateReady = () => reloadInto(activateWaiting)),
    // reloadInto reloads on any takeover; the plugin's own reload skips pages first loaded
    // without a worker, and a second reload on top of ours would be redundant.
    onNeedReload: () => {},
    onRegisterError: (error: unknown) => console.error('shoal: service worker registration failed', error),
  });
}

/** Lets the waiting worker take over, then reloads so the page runs the new version. */
function reloadInto(activateWaiting: () => Promise<void>): void {
  navigator.serviceWorker.addEventListener('controllerchange', () => location.reload(), { once: true });
  void activateWaiting();
}
