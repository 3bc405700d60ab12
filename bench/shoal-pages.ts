import { swarmIdOf } from '../tests/support/share-room.ts';
import type { Peer } from './peers.ts';

/**
 * Driving the built app from outside, the way a user would (file input,
 * share link), and reading progress from `window.__shoal` (the ShoalRuntime).
 * Expressions are passed as strings so nothing from the Node-side TypeScript
 * runner leaks into the page.
 */

export interface ShareResult {
  link: string;
  swarmId: string;
  /** From handing the file to the page until the share link shows. */
  createMs: number;
  /** The seeder page's clock at start and end, for long-task windows. */
  pageFromMs: number;
  pageToMs: number;
}

export async function openApp(peer: Peer, appUrl: string): Promise<void> {
  await peer.page.goto(appUrl);
  await peer.page.waitForFunction('window.__shoal !== undefined');
  await peer.page.evaluate('window.__shoal.ready');
}

/** Shares through the file picker; a private share (the app's default) unless `kind` says public. */
export async function shareFile(peer: Peer, path: string, kind: 'private' | 'public', timeoutMs: number): Promise<ShareResult> {
  if (kind === 'public') await peer.page.getByTestId('share-public').check();
  const pageFromMs = await peer.now();
  const started = performance.now();
  await peer.page.locator('input[data-picker=files]').setInputFiles(path);
  const link = peer.page.getByTestId('share-link');
  await link.waitFor({ state: 'visible', timeout: timeoutMs });
  const createMs = performance.now() - started;
  const pageToMs = await peer.now();
  const href = (await link.getAttribute('href')) ?? '';
  const swarmId = await swarmIdOf(href);
  return { link: href, swarmId, createMs, pageFromMs, pageToMs };
}

export interface SnapshotNumbers {
  phase: string;
  pieceCount: number;
  piecesVerified: number;
  bytesDownloaded: number;
  bytesUploaded: number;
  error: string | null;
}

export async function snapshot(peer: Peer, swarmId: string): Promise<SnapshotNumbers> {
  return (await peer.page.evaluate(`(() => {
    const s = window.__shoal.snapshot(${JSON.stringify(swarmId)});
    return s && { phase: s.phase, pieceCount: s.pieceCount, piecesVerified: s.piecesVerified,
      bytesDownloaded: s.bytesDownloaded, bytesUploaded: s.bytesUploaded, error: s.error && s.error.code };
  })()`)) as SnapshotNumbers;
}

/** Resolves once the download is complete (every piece verified and stored); fails fast on a transfer error. */
export async function downloadComplete(peer: Peer, swarmId: string, timeoutMs: number): Promise<void> {
  const handle = await peer.page.waitForFunction(
    `(() => {
      const s = window.__shoal && window.__shoal.snapshot(${JSON.stringify(swarmId)});
      if (!s) return false;
      if (s.error) return 'error: ' + s.error.code + ' ' + s.error.detail;
      return s.phase === 'complete' && s.piecesVerified === s.pieceCount ? 'ok' : false;
    })()`,
    null,
    { polling: 50, timeout: timeoutMs },
  );
  const outcome = (await handle.jsonValue()) as string;
  if (outcome !== 'ok') throw new Error(`download failed: ${outcome}`);
}
