import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type CDPSession, type Page } from '@playwright/test';
import type { BenchConfig } from './config.ts';
import { chromiumBrowserPids, pinToCore } from './cpu.ts';

const ARGS = [
  '--allow-loopback-in-peer-connection',
  '--disable-features=WebRtcHideLocalIpsWithMdns',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Runs in every page before its scripts: keeps the app's WebRTC on loopback
 * and records main-thread long tasks (≥ 50 ms) with their start times, so the
 * bench can pick out those inside a phase. A plain string, so that the
 * TypeScript runner's helpers never leak into the page.
 */
const INIT_SCRIPT = `
window.__shoalTestHooks = { onlyCandidateAddress: '127.0.0.1' };
window.__longTasks = [];
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) window.__longTasks.push([e.startTime, e.duration]);
}).observe({ type: 'longtask', buffered: true });
`;

/**
 * One peer = one Chromium with its own on-disk profile. A Playwright
 * `newContext()` is off-the-record, and Chromium keeps an off-the-record
 * profile's IndexedDB in memory, which would flatter every storage number;
 * a persistent profile writes pieces to disk the way a user's browser does.
 * Separate browsers also mean separate network stacks, as between two
 * machines.
 */
export class Peer {
  private constructor(
    readonly context: BrowserContext,
    readonly page: Page,
    readonly profileDir: string,
    /** The browser's process, for its CPU time (`browserCpuSeconds`). */
    readonly browserPid: number,
  ) {}

  /** `core`: the one core this browser runs on, or null to let it use all of them. */
  static async launch(config: Pick<BenchConfig, 'chromiumPath'>, name: string, core: number | null = null): Promise<Peer> {
    const profileDir = mkdtempSync(join(tmpdir(), `shoal-bench-${name}-`));
    const running = new Set(chromiumBrowserPids());
    const context = await chromium.launchPersistentContext(profileDir, {
      executablePath: config.chromiumPath,
      args: ARGS,
      headless: true,
      permissions: ['camera', 'microphone'],
      acceptDownloads: false,
    });
    // Peers launch one at a time, so the one browser that was not running before is this one.
    const browserPid = chromiumBrowserPids().find((pid) => !running.has(pid));
    if (browserPid === undefined) throw new Error(`cannot find the browser process of ${name}`);
    if (core !== null) pinToCore(browserPid, core);
    await context.addInitScript({ content: INIT_SCRIPT });
    const page = context.pages()[0] ?? (await context.newPage());
    page.on('pageerror', (error) => console.error(`[${name} page error] ${error.message}`));
    return new Peer(context, page, profileDir, browserPid);
  }

  cdp(): Promise<CDPSession> {
    return this.context.newCDPSession(this.page);
  }

  /** The page's clock, to bracket a phase for `longestTaskMs`. */
  now(): Promise<number> {
    return this.page.evaluate('performance.now()') as Promise<number>;
  }

  /** The longest main-thread task overlapping [fromMs, toMs] of the page's clock; 0 if none reached 50 ms. */
  async longestTaskMs(fromMs: number, toMs: number): Promise<number> {
    const tasks = (await this.page.evaluate('window.__longTasks')) as Array<[number, number]>;
    return tasks
      .filter(([start, duration]) => start <= toMs && start + duration >= fromMs)
      .reduce((max, [, duration]) => Math.max(max, duration), 0);
  }

  /**
   * Makes this a browser someone has used: a page of another site (`url`)
   * stores something in IndexedDB and takes a Web Lock. A fresh profile
   * creates its storage databases on the first storage call of any site
   * (100–300 ms here, measured inside the link's page as the wait for its
   * first Web Lock); a user's browser did that long ago. Nothing of Shoal's
   * own origin is cached: opening the link is still a first visit.
   */
  async visitOtherSite(url: string): Promise<void> {
    await this.page.goto(url);
    await this.page.evaluate(`(async () => {
      await navigator.locks.request('other-site', async () => {});
      await new Promise((resolve, reject) => {
        const open = indexedDB.open('other-site');
        open.onupgradeneeded = () => open.result.createObjectStore('things');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const tx = open.result.transaction('things', 'readwrite');
          tx.objectStore('things').put(new Uint8Array(1024), 1);
          tx.oncomplete = resolve;
          tx.onerror = () => reject(tx.error);
        };
      });
    })()`);
  }

  async close(): Promise<void> {
    await this.context.close();
    rmSync(this.profileDir, { recursive: true, force: true });
  }
}

/**
 * Launches peers one after another (parallel launches on two cores only slow
 * each other). With `pinCores`, peer i runs on core i modulo the cores there are.
 */
export async function launchPeers(config: Pick<BenchConfig, 'chromiumPath' | 'pinCores'>, names: string[]): Promise<Peer[]> {
  const peers: Peer[] = [];
  for (const [i, name] of names.entries()) {
    peers.push(await Peer.launch(config, name, config.pinCores ? i % availableParallelism() : null));
  }
  return peers;
}

export async function closeAll(peers: Peer[]): Promise<void> {
  await Promise.all(peers.map((p) => p.close()));
}
