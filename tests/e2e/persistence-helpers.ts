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

/** Waits until every piece of the swarm is in IndexedDB (a seed copies its files in the background). */
export async function waitForStoredPieces(page: Page, swarmId: string): Promise<void> {
  const count = (await snapshot(page, swarmId))!.pieceCount;
  expect(count).toBeGreaterThan(0);
  await expect.poll(() => storedPieceCount(page, swarmId), { timeout: 60_000 }).toBe(count);
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
