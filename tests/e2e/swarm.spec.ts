import { expect, test, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { newPeerPage, randomTestFile, saveAll, share, swarmIdOf, type TestFile } from './fixtures.ts';
import { addTestHooks } from './persistence-helpers.ts';

/** fixtures' newPeerPage, plus extra test hooks (e.g. a poisoning peer). */
async function peerPage(browser: Browser, hooks: Record<string, unknown> = {}) {
  const peer = await newPeerPage(browser);
  await addTestHooks(peer.context, hooks);
  return peer;
}

interface SwarmView {
  piecesHeld: number[];
  pieceCount: number;
  piecesFailed: number;
  bytesUploaded: number;
  bannedPeers: string[];
  peerId: string;
}

/** Reads the page's swarm through the runtime the app exposes on window.__shoal. */
async function swarmView(page: Page, swarmId: string): Promise<SwarmView | null> {
  return page.evaluate((id) => {
    type Swarm = {
      stats(): { pieceCount: number; piecesFailed: number; bytesUploaded: number; bannedPeers: string[] };
      hasPiece(i: number): boolean;
    };
    const runtime = (window as unknown as {
      __shoal?: { transfer(id: string): { swarm: Swarm } | undefined; localPeerId: string };
    }).__shoal;
    const transfer = runtime?.transfer(id);
    if (!transfer) return null;
    const stats = transfer.swarm.stats();
    const held: number[] = [];
    for (let i = 0; i < stats.pieceCount; i++) if (transfer.swarm.hasPiece(i)) held.push(i);
    return {
      piecesHeld: held,
      pieceCount: stats.pieceCount,
      piecesFailed: stats.piecesFailed,
      bytesUploaded: stats.bytesUploaded,
      bannedPeers: stats.bannedPeers,
      peerId: runtime!.localPeerId,
    };
  }, swarmId);
}

async function expectSavedCorrectly(page: Page, file: TestFile): Promise<void> {
  await expect(page.getByTestId('download-complete')).toBeVisible({ timeout: 150_000 });
  const saved = await saveAll(page);
  expect(saved.get(file.name)).toBe(file.sha256);
}

async function closeAll(contexts: BrowserContext[]): Promise<void> {
  for (const context of contexts) await context.close();
}

test('1 seeder + 4 leechers, 32 MiB: all complete with correct bytes and leechers upload to each other', async ({ browser }) => {
  const file = randomTestFile('swarm-32MiB.bin', 32 * 1024 * 1024);
  const seeder = await peerPage(browser);
  // Public here; the other swarm tests (and share.spec) run private shares.
  const link = await share(seeder.page, [file], { public: true });
  const id = await swarmIdOf(link);
  const leechers: Array<{ context: BrowserContext; page: Page }> = [];
  for (let i = 0; i < 4; i++) leechers.push(await peerPage(browser));
  const started = Date.now();
  await Promise.all(leechers.map((l) => l.page.goto(link)));
  await Promise.all(leechers.map((l) => expect(l.page.getByTestId('download-complete')).toBeVisible({ timeout: 150_000 })));
  const seconds = (Date.now() - started) / 1000;
  console.log(`32 MiB to 4 leechers: ${seconds.toFixed(2)} s (${((4 * 32) / seconds).toFixed(1)} MiB/s aggregate)`);
  const uploads: number[] = [];
  for (const l of leechers) uploads.push((await swarmView(l.page, id))!.bytesUploaded);
  console.log(`leecher uploads (MiB): ${uploads.map((b) => (b / 2 ** 20).toFixed(1)).join(', ')}`);
  for (const bytes of uploads) expect(bytes).toBeGreaterThan(0);
  for (const l of leechers) await expectSavedCorrectly(l.page, file);
  await closeAll([seeder.context, ...leechers.map((l) => l.context)]);
});

test('a poisoning peer is banned and no corrupted piece reaches a store (private: tampered ciphertext fails its hash)', async ({ browser }) => {
  const file = randomTestFile('poison-12MiB.bin', 12 * 1024 * 1024);
  const seeder = await peerPage(browser);
  const link = await share(seeder.page, [file]);
  const id = await swarmIdOf(link);
  // The poisoner downloads honestly first, so it has every piece to serve (corrupted) to others.
  const poisoner = await peerPage(browser, { corruptUploads: true });
  await poisoner.page.goto(link);
  await expect(poisoner.page.getByTestId('download-complete')).toBeVisible({ timeout: 150_000 });
  const leechers = [await peerPage(browser), await peerPage(browser)];
  await Promise.all(leechers.map((l) => l.page.goto(link)));
  for (const l of leechers) await expectSavedCorrectly(l.page, file);
  const views = await Promise.all(leechers.map(async (l) => (await swarmView(l.page, id))!));
  console.log(`poisoning: pieces failed ${views.map((v) => v.piecesFailed).join(', ')}; bans ${views.map((v) => v.bannedPeers.length).join(', ')}`);
  const poisonerId = (await swarmView(poisoner.page, id))!.peerId;
  expect(views.some((v) => v.bannedPeers.includes(poisonerId))).toBe(true);
  for (const v of views) {
    expect(v.piecesHeld.length).toBe(v.pieceCount);
    // Only the poisoner is ever banned, and a leecher it fed three bad pieces (the limit) bans it.
    expect(v.bannedPeers.filter((p) => p !== poisonerId)).toEqual([]);
    if (v.piecesFailed >= 3) expect(v.bannedPeers).toEqual([poisonerId]);
  }
  await closeAll([seeder.context, poisoner.context, ...leechers.map((l) => l.context)]);
});

test('the seeder leaves once every piece exists among the leechers, and the leechers still complete', async ({ browser }) => {
  const file = randomTestFile('departing-16MiB.bin', 16 * 1024 * 1024);
  const seeder = await peerPage(browser);
  const link = await share(seeder.page, [file]);
  const id = await swarmIdOf(link);
  const leechers: Array<{ context: BrowserContext; page: Page }> = [];
  for (let i = 0; i < 4; i++) leechers.push(await peerPage(browser));
  await Promise.all(leechers.map((l) => l.page.goto(link)));
  let pieceCount = 0;
  await expect
    .poll(
      async () => {
        const union = new Set<number>();
        for (const l of leechers) {
          const view = await swarmView(l.page, id);
          if (!view) continue;
          pieceCount = view.pieceCount;
          for (const i of view.piecesHeld) union.add(i);
        }
        return pieceCount > 0 && union.size === pieceCount;
      },
      { timeout: 120_000, intervals: [50] },
    )
    .toBe(true);
  await seeder.context.close();
  for (const l of leechers) await expectSavedCorrectly(l.page, file);
  await closeAll(leechers.map((l) => l.context));
});
