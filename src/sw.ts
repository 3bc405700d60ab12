/// <reference lib="webworker" />
import { cleanupOutdatedCaches, precacheAndRoute } from 'workbox-precaching';
import { SHARE_TARGET_CACHE, SHARE_TARGET_FRAGMENT, sharedFileUrl } from './chunks/share-target.ts';
import { respondWithStream, streamTargetOf } from './stream/sw-stream.ts';

declare const self: ServiceWorkerGlobalScope;

/**
 * The app's service worker: precaches the app shell so Shoal starts with no
 * network, receives files shared into it (Web Share Target), serves file
 * bytes from the page's piece store to players and downloads (stream/), and
 * takes over from an older version only when the page asks (the update prompt).
 */

// Registered before the precache route so the share target's POST and the stream URLs are ours.
self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (event.request.method === 'POST' && url.origin === self.location.origin && url.pathname === '/share-target') {
    event.respondWith(receiveSharedFiles(event.request));
    return;
  }
  const target = streamTargetOf(event.request, self.registration.scope);
  if (target) event.respondWith(respondWithStream(self.clients, event, target));
});

self.addEventListener('message', (event) => {
  if ((event.data as { type?: unknown } | null)?.type === 'SKIP_WAITING') void self.skipWaiting();
});

// Take control of pages at once when this worker activates: on a first visit that makes the
// page controlled (so a later update can switch it over), and an update activates only once the
// user chose Reload, so nothing is swapped under a page that did not ask for it.
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

precacheAndRoute(self.__WB_MANIFEST);
cleanupOutdatedCaches();

/**
 * Parks the shared files in Cache Storage (Blobs, not read into memory) and
 * sends the browser to the page, which picks them up and shares them.
 */
async function receiveSharedFiles(request: Request): Promise<Response> {
  const form = await request.formData();
  const cache = await caches.open(SHARE_TARGET_CACHE);
  for (const key of await cache.keys()) await cache.delete(key);
  const files = form.getAll('files').filter((f): f is File => f instanceof File);
  await Promise.all(
    files.map((file, i) =>
      cache.put(
        sharedFileUrl(i),
        new Response(file, { headers: { 'content-type': file.type, 'x-shoal-name': encodeURIComponent(file.name) } }),
      ),
    ),
  );
  return Response.redirect(`/#${SHARE_TARGET_FRAGMENT}`, 303);
}
