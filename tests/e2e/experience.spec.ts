import { mkdirSync, mkdtempSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { generate } from 'lean-qr';
import { drawnQrModules, failOnDialog, focusedElement } from './experience-helpers.ts';
import { makeTestFile, newPeerPage, saveAll, share } from './fixtures.ts';

test('a file name written as HTML shows as text on both sides and runs nothing', async ({ browser }) => {
  const name = '<img src=x onerror=alert(1)>.txt';
  const file = makeTestFile(name, Buffer.from('not markup, just a name\n'));
  const dialogs: string[] = [];

  const seeder = await newPeerPage(browser);
  failOnDialog(seeder.page, dialogs);
  const link = await share(seeder.page, [file]);
  const leecher = await newPeerPage(browser);
  failOnDialog(leecher.page, dialogs);
  await leecher.page.goto(link);
  await expect(leecher.page.getByTestId('download-complete')).toBeVisible({ timeout: 60_000 });

  for (const page of [seeder.page, leecher.page]) {
    await expect(page.getByRole('heading', { name, exact: true })).toBeVisible();
    await expect(page.getByText(name, { exact: true }).first()).toBeVisible();
    // Locators pierce shadow roots: no <img> exists anywhere, so none came from the name.
    await expect(page.locator('img')).toHaveCount(0);
  }
  const saved = await saveAll(leecher.page);
  expect([...saved.values()]).toEqual([file.sha256]);
  expect(dialogs).toEqual([]);
  await seeder.context.close();
  await leecher.context.close();
});

test('the language switch renders 中文 everywhere and back, and remembers the choice', async ({ browser }) => {
  const { page, context } = await newPeerPage(browser);
  await page.goto('/');
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await expect(page.getByRole('button', { name: 'Choose files' })).toBeVisible();

  await page.getByRole('group', { name: 'Language' }).getByRole('button', { name: '中文' }).click();
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
  await expect(page.getByRole('heading', { name: '分享文件' })).toBeVisible();
  await expect(page.getByRole('button', { name: '选择文件', exact: true })).toBeVisible();
  await expect(page.getByRole('button', { name: '选择文件夹' })).toBeVisible();
  await expect(page.getByRole('heading', { name: '你的资料库' })).toBeVisible();
  await expect(page.getByText('信令服务器只负责介绍节点')).toBeVisible();
  await expect(page.getByRole('button', { name: '中文' })).toHaveAttribute('aria-pressed', 'true');
  await expect(page).toHaveTitle(/点对点分享文件/);
  await expect(page.getByText('Choose files')).toHaveCount(0);

  // A share made in Chinese has a Chinese panel, and the choice survives a reload.
  await page.locator('input[data-picker=files]').setInputFiles(makeTestFile('笔记.txt', Buffer.from('你好\n')).path);
  await expect(page.getByRole('button', { name: '复制链接' }).first()).toBeVisible({ timeout: 60_000 });
  await expect(page.getByText('分享链接', { exact: true })).toBeVisible();
  await page.reload();
  await expect(page.getByRole('heading', { name: '分享文件' })).toBeVisible();

  await page.getByRole('button', { name: 'English' }).click();
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await expect(page.getByRole('heading', { name: 'Share files' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Your library' })).toBeVisible();
  await expect(page.getByText('分享文件')).toHaveCount(0);
  await context.close();
});

test('a browser that prefers Chinese gets 中文 on its first visit', async ({ browser }) => {
  const context = await browser.newContext({ locale: 'zh-CN' });
  const page = await context.newPage();
  await page.goto('/');
  expect(await page.evaluate(() => navigator.languages[0])).toBe('zh-CN');
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
  await expect(page.getByRole('heading', { name: '分享文件' })).toBeVisible();
  await page.goto('/#garbage');
  await expect(page.getByRole('alert')).toContainText('这不是 Shoal 分享链接');
  await context.close();
});

test('pasting a file on the home screen shares it', async ({ browser }) => {
  const { page, context } = await newPeerPage(browser);
  await page.goto('/');
  await expect(page.getByTestId('drop-zone')).toBeVisible();
  await page.evaluate(() => {
    const transfer = new DataTransfer();
    transfer.items.add(new File(['pasted from the clipboard\n'], 'pasted.txt', { type: 'text/plain' }));
    document.body.dispatchEvent(new ClipboardEvent('paste', { clipboardData: transfer, bubbles: true, cancelable: true }));
  });
  await expect(page.getByTestId('share-link')).toBeVisible({ timeout: 60_000 });
  await expect(page.getByRole('heading', { name: 'pasted.txt' })).toBeVisible();

  // Pasting text is not a share.
  await page.evaluate(() => {
    const transfer = new DataTransfer();
    transfer.setData('text/plain', 'just words');
    document.body.dispatchEvent(new ClipboardEvent('paste', { clipboardData: transfer, bubbles: true, cancelable: true }));
  });
  await page.waitForTimeout(500);
  await expect(page.getByTestId('share-link')).toHaveCount(1);
  await context.close();
});

test('the QR code draws exactly the share link', async ({ browser }) => {
  const { page, context } = await newPeerPage(browser);
  const link = await share(page, [makeTestFile('qr.txt', Buffer.from('scan me\n'))]);
  await expect(page.getByRole('img', { name: 'QR code of the share link' })).toBeVisible();

  const expected = generate(link);
  const want = Array.from({ length: expected.size }, (_, y) =>
    Array.from({ length: expected.size }, (_, x) => expected.get(x, y)),
  );
  const drawn = await drawnQrModules(page);
  expect(drawn.length).toBe(expected.size);
  expect(drawn).toEqual(want);
  // And it is not the code of some other text.
  const other = generate(link.slice(0, -1) + (link.endsWith('A') ? 'B' : 'A'));
  expect(drawn.some((row, y) => row.some((dark, x) => dark !== other.get(x, y)))).toBe(true);
  await context.close();
});

test('a whole folder from the folder picker keeps its relative paths', async ({ browser }) => {
  const root = mkdtempSync(join(tmpdir(), 'shoal-folder-'));
  const folder = join(root, 'holiday');
  mkdirSync(join(folder, 'day 2'), { recursive: true });
  writeFileSync(join(folder, 'a.txt'), 'first\n');
  writeFileSync(join(folder, 'day 2', 'b.txt'), 'second\n');

  const { page, context } = await newPeerPage(browser);
  await page.goto('/');
  await page.locator('input[data-picker=folder]').setInputFiles(folder);
  await expect(page.getByTestId('share-link')).toBeVisible({ timeout: 60_000 });
  await expect(page.getByText('holiday/a.txt', { exact: true })).toBeVisible();
  await expect(page.getByText('holiday/day 2/b.txt', { exact: true })).toBeVisible();
  await context.close();
});

test('the drop zone works from the keyboard: Tab reaches it with a visible ring, Enter and Space open the picker', async ({ browser }) => {
  const { page, context } = await newPeerPage(browser);
  await page.goto('/');
  await expect(page.getByTestId('drop-zone')).toBeVisible();
  const order: Array<string | null> = [];
  for (let i = 0; i < 10; i++) {
    await page.keyboard.press('Tab');
    const focused = await focusedElement(page);
    order.push(focused.testId ?? focused.tag);
    if (focused.testId === 'drop-zone') {
      expect(focused.outline).toMatch(/^solid [1-9]/);
      break;
    }
  }
  // Home link, the two language buttons, the share options (chosen before the files), then the drop zone.
  expect(order).toEqual(['a', 'button', 'button', 'share-public', 'share-password', 'share-keep', 'drop-zone']);
  for (const key of ['Enter', ' ']) {
    const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.keyboard.press(key === ' ' ? 'Space' : key)]);
    expect(chooser.isMultiple()).toBe(true);
  }
  // The next stops are the two pickers.
  await page.keyboard.press('Tab');
  await expect(page.getByRole('button', { name: 'Choose files' })).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(page.getByRole('button', { name: 'Choose a folder' })).toBeFocused();
  await context.close();
});

test('Share… appears only where the Web Share API exists, and hands it the link', async ({ browser }) => {
  const plain = await newPeerPage(browser);
  await share(plain.page, [makeTestFile('plain.txt', Buffer.from('x\n'))]);
  const hasShare = await plain.page.evaluate(() => typeof navigator.share === 'function');
  await expect(plain.page.getByTestId('web-share')).toHaveCount(hasShare ? 1 : 0);
  await plain.context.close();

  // Desktop Linux Chromium has no share sheet; give this page a recording one.
  const { page, context } = await newPeerPage(browser);
  await context.addInitScript(() => {
    const calls: ShareData[] = [];
    (window as unknown as { __shared: ShareData[] }).__shared = calls;
    Object.defineProperty(navigator, 'share', { value: async (data: ShareData) => void calls.push(data) });
  });
  const link = await share(page, [makeTestFile('sheet.txt', Buffer.from('y\n'))]);
  await page.getByRole('button', { name: 'Share…' }).click();
  await expect
    .poll(() => page.evaluate(() => (window as unknown as { __shared: ShareData[] }).__shared))
    .toEqual([{ title: 'sheet.txt', url: link }]);
  await context.close();
});

test('hashing a large share shows accessible progress and can be cancelled', async ({ browser }) => {
  const dir = mkdtempSync(join(tmpdir(), 'shoal-big-'));
  const path = join(dir, 'large.bin');
  // Sparse: 3 GiB of zeros that take no disk, but take seconds to hash.
  writeFileSync(path, '');
  truncateSync(path, 3 * 1024 ** 3);

  const { page, context } = await newPeerPage(browser);
  await page.goto('/');
  await page.locator('input[data-picker=files]').setInputFiles(path);
  const bar = page.getByRole('progressbar', { name: 'Hashing progress' });
  await expect(bar).toBeVisible();
  await expect.poll(() => bar.evaluate((el) => (el as HTMLProgressElement).value), { timeout: 30_000 }).toBeGreaterThan(0);
  const cdp = await context.newCDPSession(page);
  const { nodes } = (await cdp.send('Accessibility.getFullAXTree')) as {
    nodes: Array<{ role?: { value: string }; name?: { value: string }; value?: { value: unknown } }>;
  };
  // What a screen reader reads: a named progressbar whose current value has moved.
  const axBar = nodes.find((n) => n.role?.value === 'progressbar' && n.name?.value === 'Hashing progress');
  expect(Number(axBar?.value?.value)).toBeGreaterThan(0);
  await expect(page.getByText(/^\d+(\.\d)?%$/)).toBeVisible();

  await page.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByRole('button', { name: 'Choose files' })).toBeVisible();
  await page.waitForTimeout(1000);
  await expect(page.getByTestId('share-link')).toHaveCount(0);
  await context.close();
});
