import { mkdtempSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Page, type TestInfo } from '@playwright/test';
import { expectNoAxeViolations, expectNoHorizontalScroll, keepScreenshot } from './experience-helpers.ts';
import { newPeerPage, randomTestFile, share } from './fixtures.ts';
import { addTestHooks } from './persistence-helpers.ts';

const WIDTHS = [390, 1280] as const;
const SCHEMES = ['light', 'dark'] as const;

/** Screenshots of one screen at both widths in both colour schemes, by "<width>-<scheme>". */
async function screenshotsOf(page: Page, testInfo: TestInfo, screen: string): Promise<Map<string, Buffer>> {
  const shots = new Map<string, Buffer>();
  for (const width of WIDTHS) {
    await page.setViewportSize({ width, height: 900 });
    for (const colorScheme of SCHEMES) {
      await page.emulateMedia({ colorScheme });
      shots.set(`${width}-${colorScheme}`, await keepScreenshot(page, testInfo, `${screen}-${width}-${colorScheme}`));
    }
  }
  return shots;
}

/**
 * At phone width, in both colour schemes: no sideways scrolling and no axe
 * violation. (Colours differ per scheme; axe's rules do not depend on the
 * width, and one run takes 10-20 s on this shared machine.)
 */
async function checkAtPhoneWidth(page: Page, screen: string): Promise<void> {
  await page.setViewportSize({ width: 390, height: 900 });
  for (const colorScheme of SCHEMES) {
    await page.emulateMedia({ colorScheme });
    await expectNoHorizontalScroll(page, 390);
    await expectNoAxeViolations(page, `${screen} 390-${colorScheme}`);
  }
}

async function checkScreen(page: Page, testInfo: TestInfo, screen: string): Promise<Map<string, Buffer>> {
  const shots = await screenshotsOf(page, testInfo, screen);
  await checkAtPhoneWidth(page, screen);
  return shots;
}

test('home, hashing and share panel pass axe, fit a phone and follow the colour scheme', async ({ browser }, testInfo) => {
  test.setTimeout(600_000);
  const { page, context } = await newPeerPage(browser);
  await page.goto('/');
  await expect(page.getByTestId('drop-zone')).toBeVisible();
  const home = await checkScreen(page, testInfo, 'home');
  expect(home.get('1280-dark')!.equals(home.get('1280-light')!)).toBe(false);
  expect(home.get('390-dark')!.equals(home.get('390-light')!)).toBe(false);
  // The dark page really is dark, not just different.
  await page.emulateMedia({ colorScheme: 'dark' });
  const background = await page.evaluate(() => getComputedStyle(document.querySelector('shoal-app')!).backgroundColor);
  expect(background).toBe('rgb(14, 20, 25)');

  // Hashing: a sparse 3 GiB file keeps the progress up long enough to look at.
  const big = join(mkdtempSync(join(tmpdir(), 'shoal-screens-')), 'large.bin');
  writeFileSync(big, '');
  truncateSync(big, 3 * 1024 ** 3);
  await page.setViewportSize({ width: 390, height: 900 });
  await page.locator('input[data-picker=files]').setInputFiles(big);
  await expect(page.getByRole('progressbar', { name: 'Hashing progress' })).toBeVisible();
  for (const colorScheme of SCHEMES) {
    await page.emulateMedia({ colorScheme });
    await keepScreenshot(page, testInfo, `hashing-390-${colorScheme}`);
    await expectNoAxeViolations(page, `hashing ${colorScheme}`);
  }
  await page.getByRole('button', { name: 'Cancel' }).click();

  await share(page, [randomTestFile('holiday-photos-2026-with-a-rather-long-name.bin', 64 * 1024)]);
  await checkScreen(page, testInfo, 'share-panel');

  // Chinese text wraps differently; the phone layout must hold there too.
  await page.setViewportSize({ width: 390, height: 900 });
  await page.getByRole('button', { name: '中文' }).click();
  await expect(page.getByRole('button', { name: '复制链接' }).first()).toBeVisible();
  await keepScreenshot(page, testInfo, 'share-panel-zh-390-dark');
  await expectNoAxeViolations(page, 'share panel in Chinese');
  await expectNoHorizontalScroll(page, 390);
  await context.close();
});

test('the transfer view, library and an error pass axe, fit a phone and follow the colour scheme', async ({ browser }, testInfo) => {
  test.setTimeout(600_000);
  const seeder = await newPeerPage(browser);
  const link = await share(seeder.page, [randomTestFile('holiday-photos-2026-with-a-rather-long-name.bin', 2 * 1024 * 1024)]);

  const leecher = await newPeerPage(browser);
  // Over two minutes for 2 MiB: slow enough to catch the download midway for every screenshot and axe run.
  await addTestHooks(leecher.context, { downloadBytesPerSecond: 16 * 1024 });
  await leecher.page.goto(link);
  await expect(leecher.page.getByText(/Downloading from 1 peer/)).toBeVisible({ timeout: 60_000 });
  await expect(leecher.page.getByTestId('transfer-percent')).toHaveText(/^[1-9]\d*(\.\d)?%$/, { timeout: 30_000 });
  await screenshotsOf(leecher.page, testInfo, 'transfer-downloading');
  await expect(leecher.page.getByTestId('download-complete')).toHaveCount(0);
  await checkAtPhoneWidth(leecher.page, 'transfer-downloading');

  // The whole download takes 128 s at this rate; when the checks above run fast, nearly all of it is still to come.
  await expect(leecher.page.getByTestId('download-complete')).toBeVisible({ timeout: 240_000 });
  await checkScreen(leecher.page, testInfo, 'transfer-complete');

  await leecher.page.goto('/');
  await expect(leecher.page.getByTestId('library-item')).toHaveCount(1);
  await checkScreen(leecher.page, testInfo, 'library');

  await leecher.page.goto('/#garbage');
  await expect(leecher.page.getByRole('alert')).toBeVisible();
  await checkScreen(leecher.page, testInfo, 'bad-link');

  await seeder.context.close();
  await leecher.context.close();
});
