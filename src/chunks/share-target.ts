/**
 * Files shared into Shoal from another app travel from the service worker to
 * the page through this cache: the worker parks them, the page takes them.
 */
export const SHARE_TARGET_CACHE = 'shoal-share-target';
/** The page's hash after a share: not a swarm id, so it cannot clash with a link. */
export const SHARE_TARGET_FRAGMENT = 'shared-files';

export function sharedFileUrl(index: number): string {
  return `/__shoal-shared/${index}`;
}

/** Takes (and removes) the files the service worker parked; empty when there are none. */
export async function takeSharedFiles(): Promise<File[]> {
  if (!('caches' in globalThis)) return [];
  const cache = await caches.open(SHARE_TARGET_CACHE);
  const files: File[] = [];
  for (const request of await cache.keys()) {
    const response = await cache.match(request);
    if (response) {
      const name = decodeURIComponent(response.headers.get('x-shoal-name') ?? 'shared-file');
      const blob = await response.blob();
      files.push(new File([blob], name, { type: response.headers.get('content-type') ?? '' }));
    }
    await cache.delete(request);
  }
  return files;
}
