import { expect, test, type Locator, type Page } from '@playwright/test';
import { newPeerPage, randomTestFile, saveAll, share, swarmIdOf } from './fixtures.ts';
import { addTestHooks, snapshot } from './persistence-helpers.ts';

const MiB = 1024 * 1024;
// 6 MiB in 64 KiB pieces (97 of them: a private share's pieces each carry a 16-byte tag) at 256 KiB/s
// per leecher: 24 s or more, time to watch it happen.
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
  test.setTimeout(420_000);
  const files = [randomTestFile('view-5MiB.bin', 5 * MiB), randomTestFile('view-1MiB.bin', 1 * MiB)];
  const seeder = await newPeerPage(browser);
  const link = await share(seeder.page, files);
  const id = await swarmIdOf(link);
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
        return Number(/^(\d+) of 97 pieces, \d+ downloading$/.exec(label)?.[1] ?? 0);
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
  await expect(map).toHaveAttribute('aria-label', '97 of 97 pieces, 0 downloading');
  await expect.poll(async () => [...(await canvasColours(map)).keys()]).toEqual([had]);
  await expect(page.getByTestId('eta')).toHaveCount(0);
  await noHorizontalScroll(page);
  const saved = await saveAll(page);
  for (const file of files) expect(saved.get(file.name)).toBe(file.sha256);

  for (const context of [seeder.context, phone.context, desktop.context]) await context.close();
});

test('the piece map paints 16k pieces at device resolution, repaints only on change, and follows the colour scheme', async ({ browser }) => {
  const context = await browser.newContext({ deviceScaleFactor: 2, viewport: { width: 390, height: 844 } });
  const page = await context.newPage();
  await page.goto('/');
  type Probe = { width: number; height: number; cssWidth: number; colours: number; had: string; paintMs: number };
  // Drives a real <shoal-piece-map> inside the app (so it inherits the theme) and reads back its canvas.
  const probe = (step: 'first' | 'same-version' | 'new-version' | 'repaint' | 'mixed') =>
    page.evaluate(async (step): Promise<Probe> => {
      type MapElement = HTMLElement & { map: unknown; updateComplete: Promise<boolean> };
      const w = window as unknown as { __map?: MapElement; __states?: Uint8Array };
      const count = 16_384;
      // Every third piece had, every third downloading, the rest missing with 0-4 holders: the costliest picture.
      const mix = (states: Uint8Array) => {
        for (let i = 0; i < count; i++) states[i] = i % 3 === 0 ? 255 : i % 3 === 1 ? 254 : i % 5;
      };
      if (step === 'first') {
        w.__states = new Uint8Array(count);
        mix(w.__states);
        w.__map = document.createElement('shoal-piece-map') as MapElement;
        document.querySelector('shoal-app')!.shadowRoot!.append(w.__map);
      }
      const el = w.__map!;
      const states = w.__states!;
      if (step === 'same-version' || step === 'new-version') states.fill(255);
      if (step === 'mixed') mix(states);
      const version = { first: 1, 'same-version': 1, 'new-version': 2, repaint: 2, mixed: 3 }[step];
      const started = performance.now();
      el.map = { pieceCount: count, states, had: 0, downloading: 0, version };
      await el.updateComplete;
      const paintMs = performance.now() - started;
      const canvas = el.shadowRoot!.querySelector('canvas')!;
      // The first paint waits for the element's size, which a ResizeObserver reports before the next frame.
      for (let frame = 0; frame < 2; frame++) await new Promise((r) => requestAnimationFrame(() => r(null)));
      const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
      const colours = new Set<string>();
      for (let i = 0; i < data.length; i += 4) if (data[i + 3] === 255) colours.add(`${data[i]},${data[i + 1]},${data[i + 2]}`);
      const swatch = el.shadowRoot!.querySelector('.swatch.had')!;
      return {
        width: canvas.width,
        height: canvas.height,
        cssWidth: canvas.getBoundingClientRect().width,
        colours: colours.size,
        had: getComputedStyle(swatch).backgroundColor,
        paintMs,
      };
    }, step);

  const first = await probe('first');
  expect(first.width).toBe(Math.round(first.cssWidth * 2));
  expect(first.height).toBeLessThanOrEqual(160 * 2);
  expect(first.colours).toBeGreaterThanOrEqual(3);
  // The same version is not repainted, even though the buffer changed underneath.
  expect((await probe('same-version')).colours).toBe(first.colours);
  const repainted = await probe('new-version');
  expect(repainted.colours).toBe(1);
  console.log(`piece map, 16384 pieces at devicePixelRatio 2: ${repainted.paintMs.toFixed(1)} ms per repaint`);

  await page.emulateMedia({ colorScheme: 'dark' });
  const dark = await probe('repaint');
  expect(dark.had).not.toBe(first.had);
  expect(dark.colours).toBe(1);
  const mixed = await probe('mixed');
  expect(mixed.colours).toBeGreaterThanOrEqual(3);
  console.log(`piece map, 16384 mixed pieces: ${mixed.paintMs.toFixed(1)} ms per repaint`);
  await context.close();
});
