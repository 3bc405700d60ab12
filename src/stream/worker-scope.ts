/** How long a page waits for its service worker to take control (a first visit installs it). */
const CONTROL_WAIT_MS = 10_000;

/**
 * The scope URL of the service worker controlling this page, under which
 * stream/ and save/ URLs resolve; null when no worker controls it (no
 * support, a hard reload, or it did not take over in time).
 */
export async function controllingScope(waitMs = CONTROL_WAIT_MS): Promise<string | null> {
  const worker = globalThis.navigator?.serviceWorker;
  if (!worker) return null;
  if (!worker.controller) {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, waitMs);
      function done(): void {
        clearTimeout(timer);
        worker.removeEventListener('controllerchange', done);
        resolve();
      }
      worker.addEventListener('controllerchange', done);
    });
    if (!worker.controller) return null;
  }
  return (await worker.ready).scope;
}
