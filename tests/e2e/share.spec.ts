import { randomBytes } from 'node:crypto';
import { utimesSync, writeFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import {
  configuredCertificates,
  makeTestFile,
  newPeerPage,
  randomTestFile,
  saveAll,
  selectedCandidateAddresses,
  share,
  swarmIdOf,
} from './fixtures.ts';
import { storedPieceCount, waitForKeptCopy } from './persistence-helpers.ts';

test('a private share reaches a second browser, verified, and seeds on to a third', async ({ browser }) => {
  const big = randomTestFile('random-24MiB.bin', 24 * 1024 * 1024);
  const small = makeTestFile('notes.txt', Buffer.from('Shoal end-to-end test: a small second file.\n'));

  const seeder = await newPeerPage(browser);
  const link = await share(seeder.page, [big, small]);
  expect(link).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/#k1\.[A-Za-z0-9_-]{43}$/);

  const leecher = await newPeerPage(browser);
  const started = Date.now();
  await leecher.page.goto(link);
  await expect(leecher.page.getByTestId('download-complete')).toBeVisible({ timeout: 120_000 });
  const seconds = (Date.now() - started) / 1000;
  console.log(`24 MiB + small file, seeder -> leecher: ${seconds.toFixed(2)} s (${(24 / seconds).toFixed(1)} MiB/s)`);

  const saved = await saveAll(leecher.page);
  expect(saved.get(big.name)).toBe(big.sha256);
  expect(saved.get(small.name)).toBe(small.sha256);

  // Both ends of every selected pair are on loopback (each page vouches for its own local address).
  for (const page of [leecher.page, seeder.page]) {
    const pairs = await selectedCandidateAddresses(page);
    expect(pairs.length).toBeGreaterThan(0);
    for (const pair of pairs) {
      expect(pair.local).toBe('127.0.0.1');
      expect(['127.0.0.1', 'prflx']).toContain(pair.remote);
    }
  }

  // The seed reads (and encrypts) its pieces in a worker, not on its page's main thread.
  expect(pieceReadWorkers(seeder.page)).toBe(1);
  // The downloader commits pieces to IndexedDB from a worker; the seed writes no pieces at all: it kept its file.
  expect(workersFrom(seeder.page, 'piece-write-worker')).toBe(0);
  expect(workersFrom(leecher.page, 'piece-write-worker')).toBe(1);
  await waitForKeptCopy(seeder.page, await swarmIdOf(link), 2);
  await seeder.context.close();

  const third = await newPeerPage(browser);
  const thirdStarted = Date.now();
  await third.page.goto(link);
  await expect(third.page.getByTestId('download-complete')).toBeVisible({ timeout: 120_000 });
  console.log(`leecher -> third peer (seed back): ${((Date.now() - thirdStarted) / 1000).toFixed(2)} s`);
  const thirdSaved = await saveAll(third.page);
  expect(thirdSaved.get(big.name)).toBe(big.sha256);
  expect(thirdSaved.get(small.name)).toBe(small.sha256);

  // The leecher's connections (to the seeder, then from the third peer) share the one certificate its page made.
  const certificates = await configuredCertificates(leecher.page);
  expect(certificates.length).toBeGreaterThanOrEqual(2);
  for (const configured of certificates) expect(configured).toEqual(certificates[0]);
  expect(certificates[0]).toHaveLength(1);

  await leecher.context.close();
  await third.context.close();
});

test('a seed whose piece-reading worker cannot load reads its pieces on the page and still serves them', async ({ browser }) => {
  const file = randomTestFile('random-3MiB.bin', 3 * 1024 * 1024);
  const seeder = await newPeerPage(browser);
  await seeder.context.route('**/piece-read-worker*', (route) => route.abort());
  const warnings: string[] = [];
  seeder.page.on('console', (message) => {
    if (message.type() === 'warning') warnings.push(message.text());
  });
  const link = await share(seeder.page, [file]);
  const leecher = await newPeerPage(browser);
  await leecher.page.goto(link);
  await expect(leecher.page.getByTestId('download-complete')).toBeVisible({ timeout: 60_000 });
  expect((await saveAll(leecher.page)).get(file.name)).toBe(file.sha256);
  expect(warnings.some((text) => /piece reader failed.*reading pieces on the page/.test(text))).toBe(true);
  await leecher.context.close();
  await seeder.context.close();
});

test('a downloader whose piece-writing worker cannot load stores its pieces on the page', async ({ browser }) => {
  const file = randomTestFile('random-3MiB.bin', 3 * 1024 * 1024);
  const seeder = await newPeerPage(browser);
  const link = await share(seeder.page, [file]);
  const leecher = await newPeerPage(browser);
  await leecher.context.route('**/piece-write-worker*', (route) => route.abort());
  const warnings: string[] = [];
  leecher.page.on('console', (message) => {
    if (message.type() === 'warning') warnings.push(message.text());
  });
  await leecher.page.goto(link);
  await expect(leecher.page.getByTestId('download-complete')).toBeVisible({ timeout: 60_000 });
  expect(warnings.some((text) => /piece writer failed.*writing pieces on the page/.test(text))).toBe(true);
  const id = await swarmIdOf(link);
  const { pieceCount } = await leecher.page.evaluate(
    (swarmId) => (window as unknown as { __shoal: { snapshot(id: string): { pieceCount: number } } }).__shoal.snapshot(swarmId),
    id,
  );
  expect(await storedPieceCount(leecher.page, id)).toBe(pieceCount);
  // The pieces are really kept: after a reload, with no seed left, the same bytes are saved from IndexedDB.
  await seeder.context.close();
  await leecher.page.reload();
  await expect(leecher.page.getByTestId('download-complete')).toBeVisible({ timeout: 30_000 });
  expect((await saveAll(leecher.page)).get(file.name)).toBe(file.sha256);
  await leecher.context.close();
});

test('one worker reads for every share a page seeds, and ends with the last of them', async ({ browser }) => {
  const files = [randomTestFile('first-2MiB.bin', 2 * 1024 * 1024), randomTestFile('second-2MiB.bin', 2 * 1024 * 1024)];
  const seeder = await newPeerPage(browser);
  const links = [await share(seeder.page, [files[0]])];
  // The second share from the same page, without reloading it (`share` would).
  await seeder.page.locator('input[data-picker=files]').setInputFiles(files[1].path);
  await expect(seeder.page.getByTestId('share-link')).toHaveCount(2, { timeout: 60_000 });
  links.push((await seeder.page.getByTestId('share-link').first().getAttribute('href'))!);
  expect(new Set(links).size).toBe(2);
  const readers = () => pieceReadWorkers(seeder.page);
  expect(readers()).toBe(1);

  // Both shares are served through it.
  const leecher = await newPeerPage(browser);
  for (const [i, link] of links.entries()) {
    await leecher.page.goto(link);
    await expect(leecher.page.getByTestId('download-complete')).toBeVisible({ timeout: 60_000 });
    expect((await saveAll(leecher.page)).get(files[i].name)).toBe(files[i].sha256);
  }
  await leecher.context.close();

  seeder.page.on('dialog', (dialog) => void dialog.accept());
  const remove = async (link: string) => {
    const item = seeder.page.locator(`[data-testid="library-item"][data-swarm-id="${await swarmIdOf(link)}"]`);
    await item.getByTestId('library-delete').click();
    await expect(item).toHaveCount(0);
  };
  await remove(links[0]);
  expect(readers()).toBe(1);
  await remove(links[1]);
  await expect.poll(readers).toBe(0);
  await seeder.context.close();
});

test('sharing the same public file again from a page seeds from the new copy and lets the old one go', async ({ browser }) => {
  const file = randomTestFile('twice-1MiB.bin', 1024 * 1024);
  const seeder = await newPeerPage(browser);
  const link = await share(seeder.page, [file], { public: true });
  const id = await swarmIdOf(link);
  type Runtime = { __shoal: { transfer(id: string): unknown }; __first?: unknown };
  await seeder.page.waitForFunction((swarmId) => (window as unknown as Runtime).__shoal.transfer(swarmId) !== undefined, id);
  await seeder.page.evaluate((swarmId) => {
    const w = window as unknown as Runtime;
    w.__first = w.__shoal.transfer(swarmId);
  }, id);

  await seeder.page.locator('input[data-picker=files]').setInputFiles(file.path);
  // The swarm restarts on the new files.
  await seeder.page.waitForFunction((swarmId) => {
    const w = window as unknown as Runtime;
    const now = w.__shoal.transfer(swarmId);
    return now !== undefined && now !== w.__first;
  }, id);
  const leecher = await newPeerPage(browser);
  await leecher.page.goto(link);
  await expect(leecher.page.getByTestId('download-complete')).toBeVisible({ timeout: 60_000 });
  expect((await saveAll(leecher.page)).get(file.name)).toBe(file.sha256);
  await leecher.context.close();

  // Nothing of the first copy is left reading: deleting the share ends the reading worker.
  seeder.page.on('dialog', (dialog) => void dialog.accept());
  await seeder.page.locator(`[data-testid="library-item"][data-swarm-id="${id}"]`).getByTestId('library-delete').click();
  await expect.poll(() => pieceReadWorkers(seeder.page)).toBe(0);
  await seeder.context.close();
});

test('a seed whose shared file changed on disk says it cannot send it, and the downloader waits without error', async ({ browser }) => {
  const file = randomTestFile('changing-1MiB.bin', 1024 * 1024);
  const seeder = await newPeerPage(browser);
  // Not kept: keeping the file would read it too, and report its own failure.
  const link = await share(seeder.page, [file], { notKept: true });
  // Same size, new bytes and a new modification time: the browser refuses to read the old snapshot.
  writeFileSync(file.path, randomBytes(1024 * 1024));
  utimesSync(file.path, new Date(), new Date(Date.now() + 60_000));

  const leecher = await newPeerPage(browser);
  await leecher.page.goto(link);
  await expect(seeder.page.getByRole('alert')).toContainText(/can no longer read the files you shared/i, { timeout: 30_000 });
  await expect(seeder.page.getByRole('alert')).toContainText(/share them again/i);
  // The downloader has the file list, no piece, and no error of its own: it waits for another source.
  const progress = await leecher.page.evaluate(
    (swarmId) => (window as unknown as { __shoal: { snapshot(id: string): { pieceCount: number; piecesVerified: number } } }).__shoal.snapshot(swarmId),
    await swarmIdOf(link),
  );
  expect(progress.pieceCount).toBeGreaterThan(0);
  expect(progress.piecesVerified).toBe(0);
  expect(await leecher.page.getByRole('alert').count()).toBe(0);
  await leecher.context.close();
  await seeder.context.close();
});

/** The page's piece-reading workers (one at most: every share seeded from files uses the same). */
function pieceReadWorkers(page: Page): number {
  return workersFrom(page, 'piece-read-worker');
}

/** The page's workers whose script is named after `script`. */
function workersFrom(page: Page, script: string): number {
  return page.workers().filter((worker) => worker.url().includes(script)).length;
}

test('a bad link shows a clear error', async ({ browser }) => {
  const { page, context } = await newPeerPage(browser);
  await page.goto('/#garbage');
  await expect(page.getByRole('alert')).toContainText(/not a (valid )?Shoal share link/i);
  await context.close();
});

// A well-formed swarm id (43 base64url chars, spare bits zero) that nobody is seeding.
const LONELY_SWARM = 'A'.repeat(43);

test('a link nobody seeds says there are no peers yet and keeps waiting', async ({ browser }) => {
  const { page, context } = await newPeerPage(browser);
  await page.goto(`/#${LONELY_SWARM}`);
  await expect(page.getByText(/No peers yet/)).toBeVisible();
  await page.waitForTimeout(2_000);
  await expect(page.getByText(/No peers yet/)).toBeVisible();
  await context.close();
});

test('a link uses one signaling socket: the one the page opened before its script loaded', async ({ browser }) => {
  const { page, context } = await newPeerPage(browser);
  const sockets: string[] = [];
  page.on('websocket', (ws) => sockets.push(ws.url()));
  await page.goto(`/#${LONELY_SWARM}`);
  await expect(page.getByText(/No peers yet/)).toBeVisible();
  expect(sockets).toHaveLength(1);
  expect(sockets[0]).toMatch(/\/signal$/);
  expect(await page.evaluate(() => '__shoalEarlySocket' in window)).toBe(false);
  await context.close();
});

test('an unreachable signaling server is reported, and the page recovers when it comes back', async ({ browser }) => {
  const { page, context } = await newPeerPage(browser);
  let reachable = false;
  await page.routeWebSocket(/\/signal$/, (ws) => {
    if (reachable) ws.connectToServer();
    else ws.close({ code: 1011, reason: 'test: server unreachable' });
  });
  await page.goto(`/#${LONELY_SWARM}`);
  await expect(page.getByText(/Can't reach the signaling server/).first()).toBeVisible();
  reachable = true;
  await expect(page.getByText(/No peers yet/)).toBeVisible({ timeout: 30_000 });
  await expect(page.getByText(/Can't reach the signaling server/)).toHaveCount(0);
  await context.close();
});
