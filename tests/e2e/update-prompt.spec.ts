import { appendFileSync, cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { createSignalingServer } from '../../signaling/server.ts';
import { newPeerPage } from './fixtures.ts';

test('a newly deployed version shows an update prompt, and Reload switches to it', async ({ browser }) => {
  // A deployment of our own (a copy of the build), so this test can "deploy" a new version into it.
  const site = mkdtempSync(join(tmpdir(), 'shoal-site-'));
  cpSync('dist', site, { recursive: true });
  const server = await createSignalingServer({ port: 0, host: '127.0.0.1', staticDir: site });
  const { context, page } = await newPeerPage(browser);
  try {
    await page.goto(server.httpUrl);
    await page.evaluate(() => navigator.serviceWorker.ready);
    await expect(page.getByTestId('update-toast')).toHaveCount(0);

    // A new build changes sw.js (its precache manifest); any byte change makes it a new worker.
    appendFileSync(join(site, 'sw.js'), '\n// next version\n');
    await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())!.update());
    const toast = page.getByTestId('update-toast');
    await expect(toast).toContainText('A new version of Shoal is available');

    await Promise.all([page.waitForEvent('load'), toast.getByRole('button', { name: 'Reload' }).click()]);
    await expect(page.locator('input[data-picker=files]')).toBeAttached();
    await expect(page.getByTestId('update-toast')).toHaveCount(0);
    const waiting = await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())!.waiting !== null);
    expect(waiting).toBe(false);
  } finally {
    await context.close();
    await server.close();
  }
});
