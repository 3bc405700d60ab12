/// <reference types="vite-plugin-pwa/vanillajs" />
import { registerSW } from 'virtual:pwa-register';
import { afterFirstPiece, type FirstPieceSource } from './after-first-piece.ts';
import type { ShoalAppElement } from './shoal-app.ts';

/** The longest the offline copy waits for a download's first piece (a link nobody seeds yet). */
const FIRST_PIECE_WAIT_MS = 10_000;

/**
 * Registers the app's service worker (offline app shell, share target) and
 * tells the page when a new version waits, so it can offer a reload.
 * Installing it fetches and caches every asset: once the page has loaded, and
 * on a page opened through a link once its download has a first piece.
 */
export function registerServiceWorker(app: ShoalAppElement, downloads: FirstPieceSource): void {
  if (!('serviceWorker' in navigator)) return;
  void loaded()
    .then(() => afterFirstPiece(downloads, FIRST_PIECE_WAIT_MS))
    .then(() => register(app));
}

function register(app: ShoalAppElement): void {
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

function loaded(): Promise<void> {
  if (document.readyState === 'complete') return Promise.resolve();
  return new Promise((resolve) => window.addEventListener('load', () => resolve(), { once: true }));
}
