import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { readZip } from '../support/zip-reader.ts';
import { newPeerPage, randomTestFile, sha256Hex, share, swarmIdOf } from './fixtures.ts';
import { addTestHooks, snapshot } from './persistence-helpers.ts';

const MiB = 1024 * 1024;

interface SharedFile {
  path: string;
  bytes: Buffer;
  mime?: string;
}

/**
 * Shares files under their relative paths (as a dropped folder would) and returns the link.
 * Private, the default: streaming and saving read through decryption.
 */
async function shareTree(page: Page, files: SharedFile[]): Promise<string> {
  await page.goto('/');
  return page.evaluate(async (input) => {
    const shared = input.map(({ path, base64, mime }) => {
      const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
      return { path, file: new File([bytes], path.slice(path.lastIndexOf('/') + 1), { type: mime }) };
    });
    const app = window.__shoal!;
    const swarmId = await app.createShare(shared, { visibility: 'private', keepInLibrary: true });
    return app.snapshot(swarmId)!.link;
  }, files.map((f) => ({ path: f.path, base64: f.bytes.toString('base64'), mime: f.mime ?? 'application/octet-stream' })));
}

/** A mono 8-bit PCM WAV (1 byte per sample): a tone whose pitch changes every second, so every part differs. */
function makeWav(seconds: number, sampleRate: number): Buffer {
  const samples = seconds * sampleRate;
  const wav = Buffer.alloc(44 + samples);
  wav.write('RIFF', 0, 'ascii');
  wav.writeUInt32LE(36 + samples, 4);
  wav.write('WAVEfmt ', 8, 'ascii');
  wav.writeUInt32LE(16, 16);
  wav.writeUInt16LE(1, 20); // PCM
  wav.writeUInt16LE(1, 22); // mono
  wav.writeUInt32LE(sampleRate, 24);
  wav.writeUInt32LE(sampleRate, 28); // bytes per second
  wav.writeUInt16LE(1, 32); // block align
  wav.writeUInt16LE(8, 34); // bits per sample
  wav.write('data', 36, 'ascii');
  wav.writeUInt32LE(samples, 40);
  for (let i = 0; i < samples; i++) {
    const hz = 220 + 5 * (Math.floor(i / sampleRate) % 60);
    wav.writeUInt8(128 + Math.round(60 * Math.sin((2 * Math.PI * hz * i) / sampleRate)), 44 + i);
  }
  return wav;
}

/** Waits until the service worker controls the page (a first visit installs it). */
async function workerControls(page: Page): Promise<void> {
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
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

test('audio plays while it downloads, and a seek near the end plays before the download completes', async ({ browser }) => {
  test.setTimeout(360_000);
  const wav = makeWav(300, 8000); // 8 KB/s of audio, 2.4 MB in 37 pieces
  const seeder = await newPeerPage(browser);
  const link = await shareTree(seeder.page, [{ path: 'tone.wav', bytes: wav, mime: 'audio/wav' }]);
  const leecher = await newPeerPage(browser);
  // 16 KB/s: the whole file takes ~150 s; playing needs 8 KB/s.
  await addTestHooks(leecher.context, { downloadBytesPerSecond: 16_000 });
  const id = await swarmIdOf(link);
  const t0 = Date.now();
  const elapsed = () => `${((Date.now() - t0) / 1000).toFixed(1)} s`;
  await leecher.page.goto(link);
  await workerControls(leecher.page);
  await leecher.page.getByTestId('preview-file').click();
  const media = leecher.page.getByTestId('preview-media');
  const currentTime = () => media.evaluate((el: HTMLMediaElement) => el.currentTime);
  await expect.poll(currentTime, { timeout: 90_000 }).toBeGreaterThan(0.5);
  const atStart = (await snapshot(leecher.page, id))!;
  console.log(`stream: playing after ${elapsed()} with ${atStart.piecesVerified}/${atStart.pieceCount} pieces`);
  expect(atStart.piecesVerified).toBeLessThan(atStart.pieceCount);

  const duration = await media.evaluate((el: HTMLMediaElement) => el.duration);
  expect(duration).toBeCloseTo(300, 0);
  await media.evaluate((el: HTMLMediaElement) => (el.currentTime = el.duration - 30));
  await expect.poll(currentTime, { timeout: 90_000 }).toBeGreaterThan(duration - 29);
  const afterSeek = (await snapshot(leecher.page, id))!;
  console.log(`stream: playing near the end after ${elapsed()} with ${afterSeek.piecesVerified}/${afterSeek.pieceCount} pieces`);
  expect(afterSeek.piecesVerified).toBeLessThan(afterSeek.pieceCount);
  await leecher.context.close();
  await seeder.context.close();
});

test('a shared video plays inline, in a <video> element, at its recorded size', async ({ browser }) => {
  const seeder = await newPeerPage(browser);
  await seeder.page.goto('/');
  // A real WebM, recorded from a canvas by the browser itself (VP8): no encoder needed in the test.
  const webm = Buffer.from(
    await seeder.page.evaluate(async () => {
      const canvas = Object.assign(document.createElement('canvas'), { width: 320, height: 240 });
      const context = canvas.getContext('2d')!;
      const recorder = new MediaRecorder(canvas.captureStream(25), { mimeType: 'video/webm;codecs=vp8' });
      const chunks: Blob[] = [];
      recorder.ondataavailable = (event) => chunks.push(event.data);
      const stopped = new Promise((resolve) => (recorder.onstop = resolve));
      recorder.start(250);
      for (let frame = 0; frame < 50; frame++) {
        context.fillStyle = `hsl(${frame * 7}, 80%, 50%)`;
        context.fillRect(0, 0, 320, 240);
        await new Promise((resolve) => setTimeout(resolve, 40));
      }
      recorder.stop();
      await stopped;
      return Array.from(new Uint8Array(await new Blob(chunks).arrayBuffer()));
    }),
  );
  expect(webm.byteLength).toBeGreaterThan(1000);
  const link = await shareTree(seeder.page, [{ path: 'clip.webm', bytes: webm, mime: 'video/webm' }]);

  const leecher = await newPeerPage(browser);
  await leecher.page.goto(link);
  await workerControls(leecher.page);
  await leecher.page.getByTestId('preview-file').click();
  const media = leecher.page.getByTestId('preview-media');
  expect(await media.evaluate((el) => el.tagName)).toBe('VIDEO');
  expect(await media.evaluate((el) => el.hasAttribute('playsinline'))).toBe(true);
  await expect.poll(() => media.evaluate((el: HTMLVideoElement) => el.currentTime), { timeout: 60_000 }).toBeGreaterThan(0.2);
  expect(await media.evaluate((el: HTMLVideoElement) => [el.videoWidth, el.videoHeight])).toEqual([320, 240]);
  await leecher.context.close();
  await seeder.context.close();
});

test('stream URLs answer ranges: partial, open-ended, suffix, 416 for bad ones, 404 for unknown files', async ({ browser }) => {
  const bytes = randomBytes(200_000);
  const { context, page } = await newPeerPage(browser);
  const link = await shareTree(page, [{ path: 'clip.webm', bytes, mime: 'video/webm' }, { path: 'page.html', bytes: Buffer.from('<script>alert(1)</script>'), mime: 'text/html' }]);
  await workerControls(page);
  const id = await swarmIdOf(link);
  const get = (path: string, range?: string) =>
    page.evaluate(
      async ([url, header]) => {
        const response = await fetch(url, { headers: header ? { range: header } : {} });
        const body = new Uint8Array(await response.arrayBuffer());
        return { status: response.status, headers: Object.fromEntries(response.headers), body: Array.from(body.subarray(0, 4)), length: body.byteLength };
      },
      [path, range] as const,
    );
  const clip = `/stream/${id}/0/clip.webm`;
  const size = bytes.byteLength;
  const whole = await get(clip);
  expect(whole).toMatchObject({ status: 200, length: size, headers: { 'accept-ranges': 'bytes', 'content-type': 'video/webm', 'content-length': String(size) } });
  const partial = await get(clip, 'bytes=1000-1999');
  expect(partial).toMatchObject({ status: 206, length: 1000, headers: { 'content-range': `bytes 1000-1999/${size}`, 'content-length': '1000' } });
  expect(partial.body).toEqual([...bytes.subarray(1000, 1004)]);
  const openEnded = await get(clip, 'bytes=150000-');
  expect(openEnded).toMatchObject({ status: 206, length: size - 150_000, headers: { 'content-range': `bytes 150000-${size - 1}/${size}` } });
  expect(openEnded.body).toEqual([...bytes.subarray(150_000, 150_004)]);
  const suffix = await get(clip, 'bytes=-500');
  expect(suffix).toMatchObject({ status: 206, length: 500, headers: { 'content-range': `bytes ${size - 500}-${size - 1}/${size}` } });
  expect(suffix.body).toEqual([...bytes.subarray(size - 500, size - 496)]);
  for (const bad of [`bytes=${size}-`, 'bytes=500-100', 'bytes=abc', 'bytes=0-1,5-9', 'lines=1-2', 'bytes=-0']) {
    expect(await get(clip, bad), bad).toMatchObject({ status: 416, length: 0, headers: { 'content-range': `bytes */${size}` } });
  }
  // A shared page is never served as a page of this origin.
  const html = await get(`/stream/${id}/1/page.html`);
  expect(html.headers).toMatchObject({ 'content-type': 'application/octet-stream', 'x-content-type-options': 'nosniff' });
  expect(html.headers['content-disposition']).toMatch(/^attachment;/);
  expect((await get(`/stream/${id}/2/nothing`)).status).toBe(404);
  expect((await get(`/stream/${'A'.repeat(43)}/0/nothing`)).status).toBe(404);
  await context.close();
});

test('a 96 MiB file saves through the worker stream without the page heap growing by its size', async ({ browser }) => {
  // Moving 96 MiB takes a few seconds on a quiet machine and minutes on a loaded one.
  test.setTimeout(600_000);
  const file = randomTestFile('big-96MiB.bin', 96 * MiB);
  const t0 = Date.now();
  const elapsed = () => `${((Date.now() - t0) / 1000).toFixed(1)} s`;
  const seeder = await newPeerPage(browser);
  const link = await share(seeder.page, [file]);
  const leecher = await newPeerPage(browser);
  await leecher.page.goto(link);
  await expect(leecher.page.getByTestId('download-complete')).toBeVisible({ timeout: 480_000 });
  console.log(`save 96 MiB: shared and downloaded after ${elapsed()}`);
  await workerControls(leecher.page);

  const cdp = await leecher.context.newCDPSession(leecher.page);
  await cdp.send('Performance.enable');
  const heapBytes = async () => {
    const { metrics } = await cdp.send('Performance.getMetrics');
    return metrics.find((m) => m.name === 'JSHeapUsedSize')!.value;
  };
  await cdp.send('HeapProfiler.collectGarbage');
  const before = await heapBytes();
  let peak = before;
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      peak = Math.max(peak, await heapBytes());
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  })();
  const [download] = await Promise.all([leecher.page.waitForEvent('download'), leecher.page.getByTestId('save-file').click()]);
  expect(sha256Hex(readFileSync(await download.path()))).toBe(file.sha256);
  console.log(`save 96 MiB: saved after ${elapsed()}`);
  sampling = false;
  await sampler;
  await cdp.send('HeapProfiler.collectGarbage');
  const after = await heapBytes();
  console.log(`save 96 MiB: heap ${(before / MiB).toFixed(1)} MiB before, peak ${(peak / MiB).toFixed(1)}, after ${(after / MiB).toFixed(1)}`);
  expect(peak - before).toBeLessThan(32 * MiB);
  expect(after - before).toBeLessThan(8 * MiB);
  await leecher.context.close();
  await seeder.context.close();
});
