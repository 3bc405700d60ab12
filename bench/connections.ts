import { BENCH_PAGE_READY } from './bench-pages.ts';
import type { BenchContext } from './context.ts';
import { chromiumRssBytes, withCpu } from './cpu.ts';
import { closeAll, launchPeers } from './peers.ts';

/** Connection pairs in the page at each step: 0, then as many ends as 10, 20, 30 and 40 neighbours. */
const PAIR_STEPS = [0, 5, 10, 15, 20];
/** Shoal pings a neighbour it has sent nothing to for 4 s. */
const PING_EVERY_MS = 4000;
const SETTLE_MS = 2000;
const IDLE_MS = 10_000;

/**
 * What neighbours cost a browser before anything moves: one page holds more
 * and more idle WebRTC connections (both ends of each, so a pair counts as
 * two neighbours) that ping like Shoal's keepalive; at each step, Chromium's
 * resident memory and its CPU over 10 s. This is what decides how many
 * neighbours the app may keep (`DEFAULT_MAX_PEERS`).
 */
export async function benchConnections(ctx: BenchContext, repeat: number): Promise<void> {
  const peers = await launchPeers(ctx.config, ['connections']);
  try {
    const page = peers[0].page;
    await page.goto(ctx.benchPageUrl);
    await page.waitForFunction(BENCH_PAGE_READY);
    await page.evaluate((ms) => window.connectionsBench.ping(ms), PING_EVERY_MS);
    for (const pairs of PAIR_STEPS) {
      const opened = await page.evaluate((n) => window.connectionsBench.grow(n), pairs);
      await page.waitForTimeout(SETTLE_MS);
      const rssBytes = chromiumRssBytes();
      const idle = await withCpu(() => page.waitForTimeout(IDLE_MS));
      ctx.report.add({
        section: 'connections',
        config: `neighbours=${2 * opened}`,
        repeat,
        neighbours: 2 * opened,
        chromiumRssMiB: rssBytes / 2 ** 20,
        idleCpuPercent: (100 * idle.chromiumCpuS) / (IDLE_MS / 1000),
      });
    }
    await page.evaluate(() => window.connectionsBench.closeAll());
  } finally {
    await closeAll(peers);
  }
}
