import { expect, test, type Locator, type Page } from '@playwright/test';
import { newPeerPage, randomTestFile, saveAll, share } from './fixtures.ts';
import { addTestHooks, snapshot, swarmIdOf } from './persistence-helpers.ts';

const MiB = 1024 * 1024;
// 6 MiB in 64 KiB pieces (96 of them) at 256 KiB/s per leecher: 24 s or more, time to watch it happen.
const SLOW = { downloadBytesPerSecond: 256 * 1024 };

/** Distinct opaque colours on the piece map canvas, with how many pixels each covers. */
async function canvasColours(map: Locator): Promise<Map<string, number>> {
  const counts = await map.evaluate((canvas: HTMLCanvasElement) => {
    const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
    const seen: Record<string, number> = {};
    for (let i = 0; i < data.length; i += 4) {
      if (data[i + 3] !== 255) continue;
      const key = `rgb(${data[i]}, ${data[i + 1]}, ${data[i + 2]})`;
      seen[key] = (seen[key] ?? 0) + 1;
    }
    return seen;
  });
  return new Map(Object.entries(counts));
}

/** The colour the legend shows for pieces we have (the canvas paints them the same). */
async function hadColour(page: Page): Promise<string> {
  return page.locator('shoal-piece-map .swatch.had').evaluate((el) => getComputedStyle(el).backgroundColor);
}

async function noHorizontalScroll(page: Page): Promise<void> {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
}

test('the swarm view shows pieces, peers, routes and time left while downloading, and saves each file', async ({ browser }) => {
  // Three pages on a shared two-core machine: the first pieces can take a while to arrive.
  test.setTimeout(300_000);
  const files = [randomTestFile('view-5MiB.bin', 5 * MiB), randomTestFile('view-1MiB.bin', 1 * MiB)];
  const seeder = await newPeerPage(browser);
  const link = await share(seeder.page, files);
  const id = swarmIdOf(link);
  const phone = await newPeerPage(browser);
  const desktop = await newPeerPage(browser);
  await phone.page.setViewportSize({ width: 390, height: 844 });
  await desktop.page.setViewportSize({ width: 1280, height: 900 });
  for (const leecher of [phone, desktop]) await addTestHooks(leecher.context, SLOW);
  await Promise.all([phone.page.goto(link), desktop.page.goto(link)]);
  const page = phone.page;

  // Midway: the map has pieces we have and pieces we lack, and says so in words.
  const map = page.getByTestId('piece-map');
  await expect
    .poll(
      async () => {
        const label = (await map.getAttribute('aria-label')) ?? '';
        return Number(/^(\d+) of 96 pieces, \d+ downloading$/.exec(label)?.[1] ?? 0);
      },
      { timeout: 120_000 },
    )
    .toBeGreaterThan(4);
  const midway = await canvasColours(map);
  const had = await hadColour(page);
  expect(midway.get(had) ?? 0).toBeGreaterThan(0);
  const otherStates = [...midway.entries()].filter(([colour, pixels]) => colour !== had && pixels > 0);
  expect(otherStates.length).toBeGreaterThan(0);
  expect((await snapshot(page, id))?.phase).toBe('downloading');
  await expect(page.getByTestId('eta')).toHaveText(/^(about \d+ (s|min)|a few seconds)$/);
  await expect(page.getByTestId('file-percent').first()).toBeVisible();

  // Both other peers are listed, reached directly over loopback host candidates.
  const rows = page.getByTestId('peer-row');
  await expect(rows).toHaveCount(2, { timeout: 30_000 });
  await expect(page.locator('[data-testid=peer-row][data-route=direct]')).toHaveCount(2, { timeout: 15_000 });
  await expect(rows.first().getByTestId('peer-route')).toContainText('Direct');
  await expect(rows.first().getByTestId('peer-route')).toContainText(/host|peer-reflexive/);
  const seederId = await seeder.page.evaluate(() => (window as unknown as { __shoal: { localPeerId: string } }).__shoal.localPeerId);
  const seederRow = page.locator(`[data-testid=peer-row][data-peer-id="${seederId}"]`);
  await expect(seederRow).toHaveCount(1);
  // What each peer sent us keeps growing (whichever peer serves us at the moment).
  const received = () => page.getByTestId('peer-received').allInnerTexts();
  const receivedBefore = await received();
  await expect.poll(received, { timeout: 15_000 }).not.toEqual(receivedBefore);

  for (const leecher of [phone, desktop]) await noHorizontalScroll(leecher.page);
  await expect(desktop.page.getByTestId('piece-map')).toBeVisible();

  // Done: every cell is painted as had, the words agree, and each file saves with the right bytes.
  await expect(page.getByTestId('download-complete')).toBeVisible({ timeout: 180_000 });
  await expect(map).toHaveAttribute('aria-label', '96 of 96 pieces, 0 downloading');
  await expect.poll(async () => [...(await canvasColours(map)).keys()]).toEqual([had]);
  await expect(page.getByTestId('eta')).toHaveCount(0);
  await noHorizontalScroll(page);
  const saved = await saveAll(page);
  for (const file of files) expect(saved.get(file.name)).toBe(file.sha256);

  for (const context of [seeder.context, phone.context, desktop.context]) await context.close();
});
