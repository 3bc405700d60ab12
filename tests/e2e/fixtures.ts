import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { swarmIdOf } from '../support/share-room.ts';

export { swarmIdOf };

/**
 * Every page keeps WebRTC on loopback (only 127.0.0.1 candidates are sent or
 * accepted) and records its RTCPeerConnections so a test can read their stats.
 * The File System Access pickers are hidden (a test cannot answer a native
 * dialog), so saves take the download path other browsers take; a test that
 * wants a picker installs one answering with an origin-private folder.
 */
function installHooks(): void {
  (window as unknown as { __shoalTestHooks: object }).__shoalTestHooks = { onlyCandidateAddress: '127.0.0.1' };
  Object.assign(window, { showSaveFilePicker: undefined, showDirectoryPicker: undefined });
  const recorded: RTCPeerConnection[] = [];
  (window as unknown as { __peerConnections: RTCPeerConnection[] }).__peerConnections = recorded;
  const Native = window.RTCPeerConnection;
  window.RTCPeerConnection = class extends Native {
    constructor(config?: RTCConfiguration) {
      super(config);
      recorded.push(this);
    }
  } as typeof RTCPeerConnection;
}

export async function newPeerPage(browser: Browser): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ permissions: ['camera', 'microphone'], acceptDownloads: true });
  await context.addInitScript(installHooks);
  const page = await context.newPage();
  page.on('pageerror', (error) => console.error(`[page error] ${error.message}`));
  return { context, page };
}

export interface TestFile {
  name: string;
  path: string;
  sha256: string;
  size: number;
}

export function makeTestFile(name: string, bytes: Buffer): TestFile {
  const dir = mkdtempSync(join(tmpdir(), 'shoal-e2e-'));
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return { name, path, sha256: sha256Hex(bytes), size: bytes.byteLength };
}

export function randomTestFile(name: string, size: number): TestFile {
  return makeTestFile(name, randomBytes(size));
}

export function sha256Hex(bytes: Buffer | Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export interface ShareChoice {
  /** Tick "Public share"; by default a share is private. */
  public?: boolean;
  password?: string;
  /** Untick "Keep in my library". */
  notKept?: boolean;
}

/** Drops files into the home page (private unless told otherwise) and returns the share link. */
export async function share(page: Page, files: TestFile[], choice: ShareChoice = {}): Promise<string> {
  await page.goto('/');
  if (choice.public) await page.getByTestId('share-public').check();
  if (choice.password !== undefined) await page.getByTestId('share-password').fill(choice.password);
  if (choice.notKept) await page.getByTestId('share-keep').uncheck();
  await page.locator('input[data-picker=files]').setInputFiles(files.map((f) => f.path));
  const link = page.getByTestId('share-link');
  await expect(link).toBeVisible({ timeout: 60_000 });
  const href = await link.getAttribute('href');
  return href ?? (await link.innerText()).trim();
}

/** Clicks every save control and returns the saved files' SHA-256 by suggested name. */
export async function saveAll(page: Page): Promise<Map<string, string>> {
  const saved = new Map<string, string>();
  const buttons = page.getByTestId('save-file');
  const count = await buttons.count();
  for (let i = 0; i < count; i++) {
    const [download] = await Promise.all([page.waitForEvent('download'), buttons.nth(i).click()]);
    const path = await download.path();
    saved.set(download.suggestedFilename(), sha256Hex(readFileSync(path)));
  }
  return saved;
}

/** The fingerprints of the DTLS certificates each of the page's connections was configured with, in order. */
export async function configuredCertificates(page: Page): Promise<string[][]> {
  return page.evaluate(() =>
    (window as unknown as { __peerConnections: RTCPeerConnection[] }).__peerConnections.map((pc) =>
      (pc.getConfiguration().certificates ?? []).map((certificate) => certificate.getFingerprints()[0].value!),
    ),
  );
}

/** The local and remote addresses of every open connection's selected ICE candidate pair. */
export async function selectedCandidateAddresses(page: Page): Promise<Array<{ local: string; remote: string }>> {
  return page.evaluate(async () => {
    const connections = (window as unknown as { __peerConnections: RTCPeerConnection[] }).__peerConnections;
    const pairs: Array<{ local: string; remote: string }> = [];
    for (const pc of connections) {
      if (pc.connectionState !== 'connected') continue;
      const stats = await pc.getStats();
      const byId = new Map<string, Record<string, unknown>>();
      stats.forEach((s: Record<string, unknown>) => byId.set(s.id as string, s));
      for (const s of byId.values()) {
        if (s.type !== 'transport' || !s.selectedCandidatePairId) continue;
        const pair = byId.get(s.selectedCandidatePairId as string)!;
        const local = byId.get(pair.localCandidateId as string)!;
        const remote = byId.get(pair.remoteCandidateId as string)!;
        pairs.push({
          local: String(local.address ?? local.ip),
          // Chromium redacts a peer-reflexive remote's address; the other side's local address tells.
          remote: remote.candidateType === 'prflx' ? 'prflx' : String(remote.address ?? remote.ip),
        });
      }
    }
    return pairs;
  });
}
