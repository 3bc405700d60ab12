import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, expect, test, type Browser, type BrowserContext } from '@playwright/test';
import { newPeerPage, randomTestFile, saveAll, share, swarmIdOf, type ShareChoice, type TestFile } from './fixtures.ts';
import {
  addTestHooks,
  keptCopy,
  libraryHasRecord,
  setHook,
  settledPieceCount,
  snapshot,
  storedPieceCount,
  waitForKeptCopy,
} from './persistence-helpers.ts';

const MiB = 1024 * 1024;
// 8 MiB makes 128 pieces of 64 KiB; at 2 MiB/s a download takes ~4 s, long enough to interrupt.
const SLOW = { downloadBytesPerSecond: 2 * MiB };
const PIECES_8MIB = 128;

/** A seeder shares `file`; a rate-limited leecher opens the link and gets past `minPieces` verified pieces. */
async function throttledDownload(browser: Browser, file: TestFile, minPieces: number, choice: ShareChoice = {}) {
  const seeder = await newPeerPage(browser);
  const link = await share(seeder.page, [file], choice);
  const id = await swarmIdOf(link);
  const leecher = await newPeerPage(browser);
  await addTestHooks(leecher.context, SLOW);
  await leecher.page.goto(link);
  await expect.poll(async () => (await snapshot(leecher.page, id))?.piecesVerified ?? 0).toBeGreaterThan(minPieces);
  return { seeder, leecher, link, id };
}

test('a reload mid-download resumes: only the missing pieces are fetched again', async ({ browser }) => {
  const file = randomTestFile('resume-8MiB.bin', 8 * MiB);
  // Public: sharing the same files again must give the same link (a private share gets a new key each time).
  const { seeder, leecher, link, id } = await throttledDownload(browser, file, 30, { public: true });
  // Stop the source, let in-flight writes land, then count what is kept.
  await seeder.context.close();
  const stored = await settledPieceCount(leecher.page, id);
  expect(stored).toBeGreaterThan(30);
  expect(stored).toBeLessThan(PIECES_8MIB);
  const missing = PIECES_8MIB - stored;

  await leecher.page.reload();
  const reseeder = await newPeerPage(browser);
  expect(await share(reseeder.page, [file], { public: true })).toBe(link);
  await expect(leecher.page.getByTestId('download-complete')).toBeVisible({ timeout: 60_000 });
  const after = (await snapshot(leecher.page, id))!;
  console.log(`resume: ${stored} pieces kept, ${missing} missing, ${after.piecesVerified - after.piecesResumed} fetched after reload`);
  expect(after.piecesResumed).toBe(stored);
  expect(after.piecesVerified - after.piecesResumed).toBe(missing);
  expect((await saveAll(leecher.page)).get(file.name)).toBe(file.sha256);
  await leecher.context.close();
  await reseeder.context.close();
});

test('after a browser restart the library lists the share and seeds it to a fresh peer, its file gone from disk', async ({ browser }) => {
  const file = randomTestFile('restart-4MiB.bin', 4 * MiB);
  const dir = mkdtempSync(join(tmpdir(), 'shoal-profile-'));
  const launch = async (): Promise<BrowserContext> => {
    const use = test.info().project.use;
    const context = await chromium.launchPersistentContext(dir, {
      ...use.launchOptions,
      baseURL: use.baseURL,
      permissions: ['camera', 'microphone'],
    });
    await addTestHooks(context, { onlyCandidateAddress: '127.0.0.1' });
    return context;
  };

  const t0 = Date.now();
  const mark = (what: string) => console.log(`restart: ${what} after ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  let context = await launch();
  const link = await share(context.pages()[0] ?? (await context.newPage()), [file]);
  const id = await swarmIdOf(link);
  await waitForKeptCopy(context.pages()[0], id);
  await context.close();
  // The library holds a copy of the file, not a reference to it.
  rmSync(file.path);

  context = await launch();
  const page = context.pages()[0] ?? (await context.newPage());
  await page.goto('/');
  const item = page.locator(`[data-testid="library-item"][data-swarm-id="${id}"]`);
  await expect(item).toContainText(file.name);
  await expect(item).toContainText('Complete');
  mark('relaunched, library listed');

  const fresh = await newPeerPage(browser);
  await fresh.page.goto(link);
  await expect(fresh.page.getByTestId('download-complete')).toBeVisible({ timeout: 60_000 });
  mark('fresh peer downloaded');
  expect((await saveAll(fresh.page)).get(file.name)).toBe(file.sha256);
  await fresh.context.close();
  await context.close();
  mark('closed');
});

test('offline after one visit: the app starts, lists the library and saves the right bytes', async ({ browser }) => {
  const file = randomTestFile('offline-2MiB.bin', 2 * MiB);
  const { context, page } = await newPeerPage(browser);
  const link = await share(page, [file]);
  const id = await swarmIdOf(link);
  await waitForKeptCopy(page, id);
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });

  await context.setOffline(true);
  await page.reload();
  await expect(page.locator('input[data-picker=files]')).toBeAttached();
  const item = page.locator(`[data-testid="library-item"][data-swarm-id="${id}"]`);
  await expect(item).toContainText(file.name);
  await item.getByRole('link', { name: file.name }).click();
  await expect(page.getByTestId('download-complete')).toBeVisible();
  expect((await saveAll(page)).get(file.name)).toBe(file.sha256);

  // Back online: the page rejoins its swarm and seeds to a fresh peer.
  await context.setOffline(false);
  const fresh = await newPeerPage(browser);
  await fresh.page.goto(link);
  await expect(fresh.page.getByTestId('download-complete')).toBeVisible({ timeout: 90_000 });
  expect((await saveAll(fresh.page)).get(file.name)).toBe(file.sha256);
  await fresh.context.close();
  await context.close();
});

test('a page opened through a link installs its offline copy once its first piece is in', async ({ browser }) => {
  const file = randomTestFile('first-piece-1MiB.bin', 1 * MiB);
  const seeder = await newPeerPage(browser);
  const link = await share(seeder.page, [file], { public: true });
  const id = await swarmIdOf(link);
  await seeder.context.close();

  const leecher = await newPeerPage(browser);
  const registered = () => leecher.page.evaluate(async () => (await navigator.serviceWorker.getRegistration()) !== undefined);
  await leecher.page.goto(link);
  await expect.poll(async () => (await snapshot(leecher.page, id))?.phase).toBe('waiting-for-peers');
  // Loaded a while ago: without a first piece to wait for, the worker would be registered by now.
  await leecher.page.waitForTimeout(1_500);
  expect(await registered()).toBe(false);

  const reseeder = await newPeerPage(browser);
  expect(await share(reseeder.page, [file], { public: true })).toBe(link);
  await expect.poll(registered).toBe(true);
  expect((await snapshot(leecher.page, id))!.piecesVerified).toBeGreaterThan(0);
  await leecher.page.evaluate(() => navigator.serviceWorker.ready);
  await leecher.context.close();
  await reseeder.context.close();
});

test('a share made while the store is full is served from its file, says so, and is kept once there is room', async ({ browser }) => {
  const file = randomTestFile('kept-full-2MiB.bin', 2 * MiB);
  const seeder = await newPeerPage(browser);
  await addTestHooks(seeder.context, { storeFull: true });
  const link = await share(seeder.page, [file]);
  const id = await swarmIdOf(link);
  await expect(seeder.page.getByTestId('transfer-error')).toContainText(/ran out of storage space, so this share is not kept/);
  expect(await keptCopy(seeder.page, id)).toEqual({ files: -1, complete: false });

  const leecher = await newPeerPage(browser);
  await leecher.page.goto(link);
  await expect(leecher.page.getByTestId('download-complete')).toBeVisible({ timeout: 60_000 });
  expect((await saveAll(leecher.page)).get(file.name)).toBe(file.sha256);

  // Tried again every few seconds: once there is room the file is kept and the message goes.
  await setHook(seeder.page, 'storeFull', false);
  await waitForKeptCopy(seeder.page, id);
  await expect(seeder.page.getByTestId('transfer-error')).toHaveCount(0);
  await leecher.context.close();
  await seeder.context.close();
});

test('a full store pauses the download with a clear message, keeps every piece, and resumes once freed', async ({
  browser,
}) => {
  const file = randomTestFile('quota-8MiB.bin', 8 * MiB);
  const { seeder, leecher, id } = await throttledDownload(browser, file, 20);
  await setHook(leecher.page, 'storeFull', true);
  await expect(leecher.page.getByTestId('transfer-error')).toContainText(/ran out of storage space/);
  await expect(leecher.page.getByTestId('storage-retry')).toBeVisible();
  const verified = (await snapshot(leecher.page, id))!.piecesVerified;
  // Paused: nothing more is verified, and everything verified is in IndexedDB.
  await leecher.page.waitForTimeout(2_000);
  expect((await snapshot(leecher.page, id))!.piecesVerified).toBe(verified);
  expect(await storedPieceCount(leecher.page, id)).toBe(verified);
  expect(verified).toBeLessThan(PIECES_8MIB);

  await setHook(leecher.page, 'storeFull', false);
  await leecher.page.getByTestId('storage-retry').click();
  await expect(leecher.page.getByTestId('download-complete')).toBeVisible({ timeout: 60_000 });
  await expect(leecher.page.getByTestId('transfer-error')).toHaveCount(0);
  expect((await saveAll(leecher.page)).get(file.name)).toBe(file.sha256);
  await leecher.context.close();
  await seeder.context.close();
});

test('two tabs of one browser open the same link: one peer joins, the other tab shows its progress', async ({
  browser,
}) => {
  const file = randomTestFile('tabs-4MiB.bin', 4 * MiB);
  const seeder = await newPeerPage(browser);
  const link = await share(seeder.page, [file]);
  const id = await swarmIdOf(link);

  const leecher = await newPeerPage(browser);
  await leecher.page.goto(link);
  const second = await leecher.context.newPage();
  await second.goto(link);
  await expect(leecher.page.getByTestId('download-complete')).toBeVisible({ timeout: 60_000 });
  await expect(second.getByTestId('download-complete')).toBeVisible();
  await expect(second.getByTestId('in-other-tab')).toBeVisible();
  // Give a second peer every chance to show up.
  await seeder.page.waitForTimeout(3_000);
  const peers = await seeder.page.evaluate(
    (swarmId) =>
      (window as unknown as { __shoal: { snapshot(id: string): { peerCount: number } } }).__shoal.snapshot(swarmId)
        .peerCount,
    id,
  );
  expect(peers).toBe(1);
  const running = await Promise.all(
    [leecher.page, second].map((p) =>
      p.evaluate((swarmId) => (window as unknown as { __shoal: { transfer(id: string): unknown } }).__shoal.transfer(swarmId) !== undefined, id),
    ),
  );
  expect(running.filter(Boolean)).toHaveLength(1);
  await leecher.context.close();
  await seeder.context.close();
});

test('deleting a library item removes all its data from IndexedDB', async ({ browser }) => {
  const file = randomTestFile('delete-1MiB.bin', 1 * MiB);
  const { context, page } = await newPeerPage(browser);
  const link = await share(page, [file]);
  const id = await swarmIdOf(link);
  await waitForKeptCopy(page, id);
  expect(await libraryHasRecord(page, id)).toBe(true);

  page.on('dialog', (dialog) => void dialog.accept());
  const item = page.locator(`[data-testid="library-item"][data-swarm-id="${id}"]`);
  await item.getByTestId('library-delete').click();
  await expect(item).toHaveCount(0);
  await expect.poll(() => storedPieceCount(page, id)).toBe(-1);
  expect(await libraryHasRecord(page, id)).toBe(false);
  await page.reload();
  await expect(page.getByTestId('library')).toBeVisible();
  await expect(item).toHaveCount(0);
  await context.close();
});

test('a download deleted while its pieces are being written leaves no database, and its link then downloads afresh', async ({
  browser,
}) => {
  const file = randomTestFile('delete-mid-8MiB.bin', 8 * MiB);
  const { seeder, leecher, link, id } = await throttledDownload(browser, file, 10);
  // To the library, on the home page: the download goes on meanwhile.
  await leecher.page.getByRole('link', { name: 'Shoal', exact: true }).click();
  expect((await snapshot(leecher.page, id))!.piecesVerified).toBeLessThan(PIECES_8MIB);
  leecher.page.on('dialog', (dialog) => void dialog.accept());
  const item = leecher.page.locator(`[data-testid="library-item"][data-swarm-id="${id}"]`);
  await item.getByTestId('library-delete').click();
  await expect(item).toHaveCount(0);
  await expect.poll(() => storedPieceCount(leecher.page, id)).toBe(-1);
  await leecher.page.waitForTimeout(1_000);
  expect(await storedPieceCount(leecher.page, id)).toBe(-1);
  expect(await libraryHasRecord(leecher.page, id)).toBe(false);
  // The seed heard the connection end when it did, not after its peer went silent for 15 s.
  await expect.poll(async () => (await snapshot(seeder.page, id))!.peerCount, { timeout: 3_000 }).toBe(0);

  // The same page opens the link again. The seed must see the old connection end at once, and
  // serve again the pieces this peer had announced (no other peer holds them now).
  await leecher.page.goto(link);
  await expect(leecher.page.getByTestId('download-complete')).toBeVisible({ timeout: 30_000 });
  expect(await storedPieceCount(leecher.page, id)).toBe((await snapshot(leecher.page, id))!.pieceCount);
  expect((await saveAll(leecher.page)).get(file.name)).toBe(file.sha256);
  await leecher.context.close();
  await seeder.context.close();
});

test('the piece-writing worker writes only into a database that exists, and into one deleted and made again', async ({
  browser,
}) => {
  const seeder = await newPeerPage(browser);
  const link = await share(seeder.page, [randomTestFile('writer-2MiB.bin', 2 * MiB)]);
  const { context, page } = await newPeerPage(browser);
  await page.goto(link);
  // The download started the page's worker; a second one from the same script is driven here directly.
  await expect.poll(() => page.workers().some((w) => w.url().includes('piece-write-worker'))).toBe(true);
  await seeder.context.close();
  const url = page.workers().find((w) => w.url().includes('piece-write-worker'))!.url();
  const steps = await page.evaluate(async (workerUrl) => {
    const name = 'shoal-writer-probe';
    const writer = new Worker(workerUrl, { type: 'module' });
    let nextId = 0;
    const write = () =>
      new Promise<string>((resolve) => {
        writer.onmessage = (event: MessageEvent<{ type: string }>) => resolve(event.data.type);
        writer.postMessage({ id: nextId++, dbName: name, pieces: [[0, new Uint8Array(100_000)]] });
      });
    const request = <T,>(r: IDBRequest<T> | IDBOpenDBRequest) =>
      new Promise<T>((resolve, reject) => {
        r.onsuccess = () => resolve(r.result as T);
        r.onerror = () => reject(r.error);
      });
    const make = async () => {
      const open = indexedDB.open(name);
      open.onupgradeneeded = () => open.result.createObjectStore('pieces');
      (await request<IDBDatabase>(open)).close();
    };
    const count = async () => {
      if (!(await indexedDB.databases()).some((d) => d.name === name)) return -1;
      const db = await request<IDBDatabase>(indexedDB.open(name));
      const n = await request<number>(db.transaction('pieces').objectStore('pieces').count());
      db.close();
      return n;
    };
    const gone = () => request(indexedDB.deleteDatabase(name));
    const out: Array<[string, number]> = [];
    out.push([await write(), await count()]);
    await make();
    out.push([await write(), await count()]);
    await gone();
    out.push([await write(), await count()]);
    await make();
    out.push([await write(), await count()]);
    await gone();
    writer.terminate();
    return out;
  }, url);
  expect(steps).toEqual([
    ['failed', -1],
    ['written', 1],
    ['failed', -1],
    ['written', 1],
  ]);
  await context.close();
});

test('library rows stay newest first while an older item is busy', async ({ browser }) => {
  const files = [randomTestFile('older-4MiB.bin', 4 * MiB), randomTestFile('newer-1MiB.bin', 1 * MiB)];
  const seeder = await newPeerPage(browser);
  const older = await share(seeder.page, [files[0]]);
  const olderId = await swarmIdOf(older);
  await waitForKeptCopy(seeder.page, olderId);
  const newerId = await swarmIdOf(await share(seeder.page, [files[1]]));
  const listed = () =>
    seeder.page.evaluate(() =>
      (window as unknown as { __shoal: { library(): Array<{ swarmId: string; lastActivityAtMs: number }> } }).__shoal.library(),
    );
  const rows = () => seeder.page.getByTestId('library-item').evaluateAll((items) => items.map((item) => item.getAttribute('data-swarm-id')));
  await expect.poll(rows).toEqual([newerId, olderId]);

  // Only the older item serves a download, so its last activity becomes the latest.
  const leecher = await newPeerPage(browser);
  await leecher.page.goto(older);
  await expect(leecher.page.getByTestId('download-complete')).toBeVisible({ timeout: 60_000 });
  await expect
    .poll(async () => {
      const [first, second] = await listed();
      return first.swarmId === newerId ? second.lastActivityAtMs > first.lastActivityAtMs : 'older listed first';
    })
    .toBe(true);
  await expect.poll(rows).toEqual([newerId, olderId]);
  await leecher.context.close();
  await seeder.context.close();
});

test('seeding can be turned off and on per library item', async ({ browser }) => {
  const file = randomTestFile('toggle-1MiB.bin', 1 * MiB);
  const { context, page } = await newPeerPage(browser);
  const link = await share(page, [file]);
  const id = await swarmIdOf(link);
  await waitForKeptCopy(page, id);
  const running = () =>
    page.evaluate((swarmId) => (window as unknown as { __shoal: { transfer(id: string): unknown } }).__shoal.transfer(swarmId) !== undefined, id);

  const seeding = page.locator(`[data-testid="library-item"][data-swarm-id="${id}"]`).getByTestId('library-seeding');
  await seeding.uncheck();
  await expect.poll(running).toBe(false);
  const leecher = await newPeerPage(browser);
  await leecher.page.goto(link);
  await expect(leecher.page.getByText(/No peers yet/)).toBeVisible();

  await seeding.check();
  await expect.poll(running).toBe(true);
  await expect(leecher.page.getByTestId('download-complete')).toBeVisible({ timeout: 60_000 });
  expect((await saveAll(leecher.page)).get(file.name)).toBe(file.sha256);
  await leecher.context.close();
  await context.close();
});

test('files shared into Shoal from another app (Web Share Target) are shared', async ({ browser }) => {
  const { context, page } = await newPeerPage(browser);
  await page.goto('/');
  await page.evaluate(() => navigator.serviceWorker.ready);
  // The first visit installed the worker; from the next load on it controls the page.
  await page.reload();
  await expect.poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
  // What the browser does for a share sheet: POST the files to the manifest's share_target action.
  const accepted = await page.evaluate(async () => {
    const form = new FormData();
    form.append('files', new File(['shared into Shoal from another app\n'], 'shared.txt', { type: 'text/plain' }));
    const r = await fetch('/share-target', { method: 'POST', body: form });
    return r.ok;
  });
  expect(accepted).toBe(true);
  await page.goto('/#shared-files');
  await expect(page.getByTestId('share-link')).toBeVisible({ timeout: 30_000 });
  await expect(page.getByRole('heading', { name: 'shared.txt' })).toBeVisible();
  // A reload does not share the same files again.
  expect(new URL(page.url()).hash).toBe('');
  await context.close();
});
