import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { readZip } from '../support/zip-reader.ts';
import { newPeerPage, sha256Hex } from './fixtures.ts';

interface SharedFile {
  path: string;
  bytes: Buffer;
  mime?: string;
}

/** Shares files under their relative paths (as a dropped folder would) and returns the link. */
async function shareTree(page: Page, files: SharedFile[]): Promise<string> {
  await page.goto('/');
  const swarmId = await page.evaluate(async (input) => {
    const shared = input.map(({ path, base64, mime }) => {
      const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
      return { path, file: new File([bytes], path.slice(path.lastIndexOf('/') + 1), { type: mime }) };
    });
    return window.__shoal!.createShare(shared, {});
  }, files.map((f) => ({ path: f.path, base64: f.bytes.toString('base64'), mime: f.mime ?? 'application/octet-stream' })));
  return new URL(`/#${swarmId}`, page.url()).href;
}

function hashesByPath(files: SharedFile[]): Record<string, string> {
  return Object.fromEntries(files.map((f) => [f.path, sha256Hex(f.bytes)]));
}

/** Every file under a folder of the page's origin-private file system, by relative path. */
async function opfsHashes(page: Page, folder: string): Promise<Record<string, string>> {
  return page.evaluate(async (name) => {
    const out: Record<string, string> = {};
    const walk = async (dir: FileSystemDirectoryHandle, prefix: string): Promise<void> => {
      for await (const [entry, handle] of (dir as unknown as { entries(): AsyncIterable<[string, FileSystemHandle]> }).entries()) {
        if (handle.kind === 'directory') await walk(handle as FileSystemDirectoryHandle, `${prefix}${entry}/`);
        else {
          const bytes = await (await (handle as FileSystemFileHandle).getFile()).arrayBuffer();
          const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
          out[prefix + entry] = Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
        }
      }
    };
    await walk(await (await navigator.storage.getDirectory()).getDirectoryHandle(name), '');
    return out;
  }, folder);
}

/** Pickers that answer with origin-private folders, as if the user had chosen them. */
function installOpfsPickers(): void {
  const root = () => navigator.storage.getDirectory();
  Object.assign(window, {
    showDirectoryPicker: async () => (await root()).getDirectoryHandle('picked-folder', { create: true }),
    showSaveFilePicker: async ({ suggestedName }: { suggestedName: string }) =>
      (await (await root()).getDirectoryHandle('picked-files', { create: true })).getFileHandle(suggestedName, { create: true }),
  });
}

test('a folder share saves as a zip and into a folder with the same tree and bytes', async ({ browser }) => {
  const files: SharedFile[] = [
    { path: 'a/b/c.txt', bytes: Buffer.from('nested text\n'.repeat(1000)) },
    { path: 'a/d.bin', bytes: randomBytes(300 * 1024) },
    { path: 'e.txt', bytes: Buffer.from('top level') },
    { path: 'fotos/Ünïcødé 文件.txt', bytes: Buffer.from('非 ASCII 名字') },
    { path: 'z-empty', bytes: Buffer.alloc(0) },
  ];
  const expected = hashesByPath(files);
  const seeder = await newPeerPage(browser);
  const link = await shareTree(seeder.page, files);
  const leecher = await newPeerPage(browser);
  leecher.page.on('console', (m) => console.log(`[leecher ${m.type()}] ${m.text()}`));
  await leecher.page.goto(link);
  await expect(leecher.page.getByTestId('download-complete')).toBeVisible({ timeout: 60_000 });

  const [download] = await Promise.all([leecher.page.waitForEvent('download'), leecher.page.getByTestId('save-zip').click()]);
  expect(download.suggestedFilename()).toMatch(/\.zip$/);
  const zip = readZip(readFileSync(await download.path()));
  expect(Object.fromEntries(zip.map((e) => [e.name, sha256Hex(e.data)]))).toEqual(expected);
  expect(zip.every((e) => e.method === 0)).toBe(true);

  // Now with pickers (from the library after a reload): into a folder, and one file into a picked file.
  await leecher.context.addInitScript(installOpfsPickers);
  await leecher.page.reload();
  await expect(leecher.page.getByTestId('download-complete')).toBeVisible();
  await leecher.page.getByTestId('save-folder').click();
  await expect(leecher.page.locator('shoal-save-all').getByRole('status')).toHaveText('Saved');
  expect(await opfsHashes(leecher.page, 'picked-folder')).toEqual(expected);

  const row = leecher.page.locator('shoal-file-list li', { hasText: 'a/d.bin' });
  await row.getByTestId('save-file').click();
  await expect(row.getByText('Saved')).toBeVisible();
  expect(await opfsHashes(leecher.page, 'picked-files')).toEqual({ 'd.bin': expected['a/d.bin'] });
  await leecher.context.close();
  await seeder.context.close();
});
