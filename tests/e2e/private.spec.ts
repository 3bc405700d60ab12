import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import { parseShareLink } from '../../src/chunks/share-link.ts';
import { makeTestFile, newPeerPage, randomTestFile, saveAll, share, swarmIdOf } from './fixtures.ts';
import { addTestHooks, snapshot, storedPieceCount } from './persistence-helpers.ts';

const MiB = 1024 * 1024;
const MARKER = 'SHOAL-PLAINTEXT-MARKER the quick brown fox ';

/** A text file whose every 16-byte window is recognisable, and a binary one beside it. */
function secretFiles() {
  return [
    makeTestFile('quarterly-secret-plans.txt', Buffer.from(MARKER.repeat(40_000))),
    randomTestFile('holiday-video.bin', 2 * MiB),
  ];
}

/** Records every frame the context's pages send to the signaling server (a proxy in front of the real one). */
async function recordSignaling(context: BrowserContext): Promise<string[]> {
  const frames: string[] = [];
  await context.routeWebSocket(/\/signal$/, (ws) => {
    const server = ws.connectToServer();
    ws.onMessage((message) => {
      frames.push(typeof message === 'string' ? message : message.toString('latin1'));
      server.send(message);
    });
    server.onMessage((message) => ws.send(message));
  });
  return frames;
}

/** Whether any piece in the swarm's IndexedDB contains `needle` (the bytes a relay holds). */
async function storeContains(page: Page, swarmId: string, needle: string): Promise<boolean> {
  return page.evaluate(
    async ([id, text]) => {
      const wanted = new TextEncoder().encode(text);
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const open = indexedDB.open('shoal-' + id);
        open.onsuccess = () => resolve(open.result);
        open.onerror = () => reject(open.error);
      });
      const pieces = await new Promise<Uint8Array[]>((resolve, reject) => {
        const all = db.transaction('pieces').objectStore('pieces').getAll();
        all.onsuccess = () => resolve(all.result as Uint8Array[]);
        all.onerror = () => reject(all.error);
      });
      db.close();
      return pieces.some((piece) => {
        outer: for (let i = 0; i + wanted.length <= piece.length; i++) {
          for (let j = 0; j < wanted.length; j++) if (piece[i + j] !== wanted[j]) continue outer;
          return true;
        }
        return false;
      });
    },
    [swarmId, needle] as const,
  );
}

test('the signaling server sees no key, name, type or content of a private share', async ({ browser }) => {
  const files = secretFiles();
  const sharer = await newPeerPage(browser);
  const downloader = await newPeerPage(browser);
  const frames = await recordSignaling(sharer.context);
  const downloaderFrames = await recordSignaling(downloader.context);
  const link = await share(sharer.page, files);
  await downloader.page.goto(link);
  await expect(downloader.page.getByTestId('download-complete')).toBeVisible({ timeout: 120_000 });
  const saved = await saveAll(downloader.page);
  for (const file of files) expect(saved.get(file.name)).toBe(file.sha256);

  const sent = [...frames, ...downloaderFrames].join('\n');
  expect(sent).toContain(await swarmIdOf(link));
  const parsed = parseShareLink(new URL(link).hash);
  if (parsed.kind !== 'private') throw new Error(`expected a private link, got ${parsed.kind}`);
  const key = Buffer.from(parsed.shareKey);
  const forbidden = [
    new URL(link).hash.slice(1),
    key.toString('base64url'),
    key.toString('base64'),
    key.toString('hex'),
    key.toString('latin1'),
    ...files.map((f) => f.name),
    'quarterly',
    'text/plain',
    'application/octet-stream',
    MARKER.slice(0, 16),
    Buffer.from(MARKER.repeat(2)).toString('base64').slice(0, 24),
  ];
  console.log(`signaling: ${frames.length + downloaderFrames.length} frames, ${sent.length} characters checked`);
  for (const needle of forbidden) expect(sent.includes(needle), `signaling frames contain ${needle}`).toBe(false);
  await sharer.context.close();
  await downloader.context.close();
});

test('a peer with only the room id relays ciphertext it cannot read; a key holder gets the files from it', async ({ browser }) => {
  const files = secretFiles();
  const sharer = await newPeerPage(browser);
  const link = await share(sharer.page, files);
  const roomId = await swarmIdOf(link);

  const relay = await newPeerPage(browser);
  await relay.page.goto('/');
  await relay.page.evaluate((id) => (window as unknown as { __shoal: { openRelay(id: string): string } }).__shoal.openRelay(id), roomId);
  await expect
    .poll(async () => {
      const s = await snapshot(relay.page, roomId);
      return s !== null && s.pieceCount > 0 && s.piecesVerified === s.pieceCount;
    }, { timeout: 120_000 })
    .toBe(true);
  const relayed = (await relay.page.evaluate(
    (id) => (window as unknown as { __shoal: { snapshot(id: string): { name: string | null; files: unknown[] } } }).__shoal.snapshot(id),
    roomId,
  ))!;
  expect(relayed.name).toBeNull();
  expect(relayed.files).toEqual([]);
  expect(await storedPieceCount(relay.page, roomId)).toBeGreaterThan(0);
  expect(await storeContains(relay.page, roomId, MARKER.slice(0, 16))).toBe(false);
  await sharer.context.close();

  const holder = await newPeerPage(browser);
  await holder.page.goto(link);
  await expect(holder.page.getByTestId('download-complete')).toBeVisible({ timeout: 120_000 });
  const saved = await saveAll(holder.page);
  for (const file of files) expect(saved.get(file.name)).toBe(file.sha256);
  await relay.context.close();
  await holder.context.close();
});

test('a tampered manifest is refused with a clear error, and the page keeps working', async ({ browser }) => {
  const file = randomTestFile('tamper.bin', 256 * 1024);
  const tamperer = await newPeerPage(browser);
  await addTestHooks(tamperer.context, { corruptMetadata: true });
  const link = await share(tamperer.page, [file]);
  const downloader = await newPeerPage(browser);
  await downloader.page.goto(link);
  await expect(downloader.page.getByTestId('transfer-error')).toContainText(/key does not open/, { timeout: 60_000 });
  await expect(downloader.page.getByTestId('download-complete')).toHaveCount(0);
  // The honest sharer's page is unaffected by its own test hook and still lists its files.
  await expect(tamperer.page.getByRole('heading', { name: file.name })).toBeVisible();
  await tamperer.context.close();
  await downloader.context.close();
});

test('a damaged or wrong key in the link gives a clear message, never a crash', async ({ browser }) => {
  const { context, page } = await newPeerPage(browser);
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  // One character short: not a key at all.
  await page.goto(`/#k1.${'A'.repeat(42)}`);
  await expect(page.getByRole('alert')).toContainText(/not a Shoal share link/);
  // A well-formed key nobody shares: its room is empty, and the page says what that may mean.
  await page.goto(`/#k1.${'B'.repeat(42)}A`);
  await expect(page.getByText(/No peers yet/)).toBeVisible();
  await expect(page.getByText(/copied completely and exactly/)).toBeVisible();
  // A link from a newer Shoal.
  await page.goto(`/#k2.${'A'.repeat(43)}`);
  await expect(page.getByRole('alert')).toContainText(/not a Shoal share link/);
  expect(errors).toEqual([]);
  await context.close();
});

test('a password link opens with the right password; a wrong one is refused, stores nothing, and may be retried', async ({ browser }) => {
  const file = randomTestFile('protected.bin', 1 * MiB);
  const sharer = await newPeerPage(browser);
  const link = await share(sharer.page, [file], { password: 'correct horse battery staple' });
  expect(link).toMatch(/#pw1\.[A-Za-z0-9_-]{94}$/);
  await expect(sharer.page.getByTestId('share-visibility')).toContainText(/password/);
  const roomId = await swarmIdOf(link, 'correct horse battery staple');

  const opener = await newPeerPage(browser);
  await opener.page.goto(link);
  const form = opener.page.getByTestId('password-form');
  await form.getByLabel('Password').fill('Tr0ub4dor&3');
  await form.getByRole('button', { name: 'Open' }).click();
  await expect(form.getByRole('alert')).toContainText(/does not open this link/, { timeout: 30_000 });
  const databases = await opener.page.evaluate(async () => (await indexedDB.databases()).map((d) => d.name));
  expect(databases).not.toContain(`shoal-${roomId}`);
  expect(await opener.page.evaluate(() => (window as unknown as { __shoal: { library(): unknown[] } }).__shoal.library().length)).toBe(0);

  await form.getByLabel('Password').fill('correct horse battery staple');
  await form.getByRole('button', { name: 'Open' }).click();
  await expect(opener.page.getByTestId('download-complete')).toBeVisible({ timeout: 60_000 });
  expect((await saveAll(opener.page)).get(file.name)).toBe(file.sha256);
  await sharer.context.close();
  await opener.context.close();
});

test('creating a 64 MiB share, timed: public, private, and private with a password (Argon2id)', async ({ browser }) => {
  const file = randomTestFile('timing-64MiB.bin', 64 * MiB);
  const { context, page } = await newPeerPage(browser);
  const timed = async (choice: Parameters<typeof share>[2]) => {
    const started = Date.now();
    const link = await share(page, [file], choice);
    return { link, seconds: (Date.now() - started) / 1000 };
  };
  // A small share first, so neither timed kind pays for the page's and the worker's first start.
  await share(page, [randomTestFile('warm-up.bin', 1 * MiB)], { notKept: true });
  const publicShare = await timed({ public: true, notKept: true });
  const privateShare = await timed({ notKept: true });
  const passwordShare = await timed({ notKept: true, password: 'timing' });
  expect(publicShare.link).toMatch(/#[A-Za-z0-9_-]{43}$/);
  expect(privateShare.link).toMatch(/#k1\./);
  expect(passwordShare.link).toMatch(/#pw1\./);

  // Opening: the time from submitting the password to the share's page is the key unwrap (Argon2id).
  const opener = await newPeerPage(browser);
  await opener.page.goto(passwordShare.link);
  await opener.page.getByLabel('Password').fill('timing');
  const started = Date.now();
  await opener.page.getByRole('button', { name: 'Open' }).click();
  await expect(opener.page.getByTestId('password-form')).toHaveCount(0, { timeout: 30_000 });
  const unwrapSeconds = (Date.now() - started) / 1000;
  console.log(
    `64 MiB share created in Chromium: public ${publicShare.seconds.toFixed(2)} s, private ${privateShare.seconds.toFixed(2)} s, ` +
      `private + password ${passwordShare.seconds.toFixed(2)} s; opening with the password ${unwrapSeconds.toFixed(2)} s`,
  );
  await opener.context.close();
  await context.close();
});
