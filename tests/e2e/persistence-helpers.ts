import { expect, type BrowserContext, type Page } from '@playwright/test';

/** Extra test hooks for every page of a context, on top of the fixtures' (init scripts run in order). */
export async function addTestHooks(context: BrowserContext, hooks: Record<string, unknown>): Promise<void> {
  await context.addInitScript((extra) => {
    const w = window as unknown as { __shoalTestHooks?: Record<string, unknown> };
    w.__shoalTestHooks = { ...w.__shoalTestHooks, ...extra };
  }, hooks);
}

/** Sets a test hook on a running page (the store reads `storeFull` at every write). */
export async function setHook(page: Page, name: string, value: unknown): Promise<void> {
  await page.evaluate(
    ([n, v]) => {
      const w = window as unknown as { __shoalTestHooks: Record<string, unknown> };
      w.__shoalTestHooks[n as string] = v;
    },
    [name, value] as const,
  );
}

interface SnapshotView {
  piecesVerified: number;
  pieceCount: number;
  peerCount: number;
  piecesResumed: number;
  storagePaused: boolean;
  phase: string;
}

export async function snapshot(page: Page, swarmId: string): Promise<SnapshotView | null> {
  return page.evaluate((id) => {
    const app = (window as unknown as { __shoal?: { snapshot(id: string): SnapshotView | undefined } }).__shoal;
    return app?.snapshot(id) ?? null;
  }, swarmId);
}

/** How many pieces of a swarm are in its IndexedDB database, read straight from IndexedDB (-1: no database). */
export async function storedPieceCount(page: Page, swarmId: string): Promise<number> {
  return page.evaluate(async (id) => {
    const name = 'shoal-' + id;
    if (!(await indexedDB.databases()).some((d) => d.name === name)) return -1;
    return new Promise<number>((resolve, reject) => {
      const open = indexedDB.open(name);
      open.onerror = () => reject(open.error);
      open.onsuccess = () => {
        const db = open.result;
        if (!db.objectStoreNames.contains('pieces')) {
          db.close();
          resolve(0);
          return;
        }
        const count = db.transaction('pieces').objectStore('pieces').count();
        count.onsuccess = () => {
          db.close();
          resolve(count.result);
        };
        count.onerror = () => reject(count.error);
      };
    });
  }, swarmId);
}

/** Whether the library database holds a record for the swarm. */
export async function libraryHasRecord(page: Page, swarmId: string): Promise<boolean> {
  return page.evaluate(async (id) => {
    if (!(await indexedDB.databases()).some((d) => d.name === 'shoal-library')) return false;
    return new Promise<boolean>((resolve, reject) => {
      const open = indexedDB.open('shoal-library');
      open.onerror = () => reject(open.error);
      open.onsuccess = () => {
        const db = open.result;
        const get = db.transaction('items').objectStore('items').getKey(id);
        get.onsuccess = () => {
          db.close();
          resolve(get.result !== undefined);
        };
        get.onerror = () => reject(get.error);
      };
    });
  }, swarmId);
}

/**
 * What a share made on the page has kept in IndexedDB: how many files its
 * database holds (-1: none kept), and whether its library record counts every
 * piece as stored (so a restart seeds it).
 */
export async function keptCopy(page: Page, swarmId: string): Promise<{ files: number; complete: boolean }> {
  return page.evaluate(async (id) => {
    const request = <T,>(r: IDBRequest<T>) =>
      new Promise<T>((resolve, reject) => {
        r.onsuccess = () => resolve(r.result);
        r.onerror = () => reject(r.error);
      });
    const read = async (dbName: string, store: string, key: string): Promise<unknown> => {
      if (!(await indexedDB.databases()).some((d) => d.name === dbName)) return undefined;
      const db = await request(indexedDB.open(dbName));
      try {
        return db.objectStoreNames.contains(store) ? await request(db.transaction(store).objectStore(store).get(key)) : undefined;
      } finally {
        db.close();
      }
    };
    const files = await read('shoal-' + id, 'pieces', 'files');
    const record = (await read('shoal-library', 'items', id)) as { have: Uint8Array } | undefined;
    const app = (window as unknown as { __shoal: { snapshot(id: string): { pieceCount: number } | undefined } }).__shoal;
    const pieces = app.snapshot(id)?.pieceCount ?? Infinity;
    let stored = 0;
    for (const byte of record?.have ?? []) for (let bit = 0; bit < 8; bit++) stored += (byte >> bit) & 1;
    return { files: Array.isArray(files) && files.every((f) => f instanceof Blob) ? files.length : -1, complete: stored === pieces };
  }, swarmId);
}

/** Waits until a share made on the page has kept its `fileCount` files and the library records it complete. */
export async function waitForKeptCopy(page: Page, swarmId: string, fileCount = 1): Promise<void> {
  await expect.poll(() => keptCopy(page, swarmId), { timeout: 60_000 }).toEqual({ files: fileCount, complete: true });
}

/** Waits until the stored piece count stops changing (in-flight writes have landed) and returns it. */
export async function settledPieceCount(page: Page, swarmId: string): Promise<number> {
  let last = await storedPieceCount(page, swarmId);
  for (;;) {
    await page.waitForTimeout(1_000);
    const now = await storedPieceCount(page, swarmId);
    if (now === last) return now;
    last = now;
  }
}
