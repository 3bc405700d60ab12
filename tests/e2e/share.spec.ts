import { expect, test } from '@playwright/test';
import { makeTestFile, newPeerPage, randomTestFile, saveAll, selectedCandidateAddresses, share } from './fixtures.ts';

test('a share reaches a second browser, verified, and seeds on to a third', async ({ browser }) => {
  const big = randomTestFile('random-24MiB.bin', 24 * 1024 * 1024);
  const small = makeTestFile('notes.txt', Buffer.from('Shoal end-to-end test: a small second file.\n'));

  const seeder = await newPeerPage(browser);
  const link = await share(seeder.page, [big, small]);
  expect(link).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/#[A-Za-z0-9_-]{43}$/);

  const leecher = await newPeerPage(browser);
  const started = Date.now();
  await leecher.page.goto(link);
  await expect(leecher.page.getByTestId('download-complete')).toBeVisible({ timeout: 120_000 });
  const seconds = (Date.now() - started) / 1000;
  console.log(`24 MiB + small file, seeder -> leecher: ${seconds.toFixed(2)} s (${(24 / seconds).toFixed(1)} MiB/s)`);

  const saved = await saveAll(leecher.page);
  expect(saved.get(big.name)).toBe(big.sha256);
  expect(saved.get(small.name)).toBe(small.sha256);

  const pairs = await selectedCandidateAddresses(leecher.page);
  expect(pairs.length).toBeGreaterThan(0);
  for (const pair of pairs) expect(pair).toEqual({ local: '127.0.0.1', remote: '127.0.0.1' });

  await seeder.context.close();

  const third = await newPeerPage(browser);
  const thirdStarted = Date.now();
  await third.page.goto(link);
  await expect(third.page.getByTestId('download-complete')).toBeVisible({ timeout: 120_000 });
  console.log(`leecher -> third peer (seed back): ${((Date.now() - thirdStarted) / 1000).toFixed(2)} s`);
  const thirdSaved = await saveAll(third.page);
  expect(thirdSaved.get(big.name)).toBe(big.sha256);
  expect(thirdSaved.get(small.name)).toBe(small.sha256);

  await leecher.context.close();
  await third.context.close();
});

test('a bad link shows a clear error', async ({ browser }) => {
  const { page, context } = await newPeerPage(browser);
  await page.goto('/#garbage');
  await expect(page.getByRole('alert')).toContainText(/not a (valid )?Shoal share link/i);
  await context.close();
});
