import { BENCH_PAGE_READY } from './bench-pages.ts';
import { sizeLabel, type BenchContext, MiB } from './context.ts';
import { browserThreadCpuSeconds, threadCpuMetrics, withCpu } from './cpu.ts';
import { closeAll, launchPeers, type Peer } from './peers.ts';
import { mbPerSecond } from './report.ts';

const WARM_UP_BYTES = 16 * MiB;
const OPEN_TIMEOUT_MS = 15_000;

/**
 * Item 1, the physical limit: a plain RTCDataChannel between two browsers
 * with correct backpressure, once per message size. A new connection runs
 * slowly for its first seconds, so each repeat warms its fresh connection up
 * before measuring; sizes rotate order from repeat to repeat.
 */
export async function benchRawChannel(ctx: BenchContext, repeat: number): Promise<void> {
  const peers = await launchPeers(ctx.config, ['raw-sender', 'raw-receiver']);
  try {
    const [sender, receiver] = peers;
    await connect(ctx, sender, receiver);
    const pair = await sender.page.evaluate(() => window.rawBench.selectedPair());
    await sendOnce(sender, receiver, 64 * 1024, WARM_UP_BYTES);
    const sizes = ctx.config.rawMessageSizes;
    for (let i = 0; i < sizes.length; i++) {
      const messageBytes = sizes[(i + repeat) % sizes.length];
      const bytes = Math.floor(ctx.config.rawBytes / messageBytes) * messageBytes;
      const threadsBefore = browserThreadCpuSeconds(receiver.browserPid);
      const started = performance.now();
      const { chromiumCpuS, browserCpuS } = await withCpu(() => sendOnce(sender, receiver, messageBytes, bytes), [
        sender.browserPid,
        receiver.browserPid,
      ]);
      const ms = performance.now() - started;
      const threads = threadCpuMetrics('receiver', threadsBefore, browserThreadCpuSeconds(receiver.browserPid));
      ctx.report.add({
        section: 'raw',
        config: `msg=${sizeLabel(messageBytes)}`,
        repeat,
        bytes,
        ms: Math.round(ms),
        mbps: mbPerSecond(bytes, ms),
        chromiumCpuS,
        // Steadier than wall time on a shared machine: what the bytes cost, not how long we waited for a core.
        mbPerCpuS: bytes / 1e6 / chromiumCpuS,
        senderCpuS: browserCpuS[0],
        receiverCpuS: browserCpuS[1],
        ...threads,
        pair,
      });
    }
  } finally {
    await closeAll(peers);
  }
}

async function connect(ctx: BenchContext, sender: Peer, receiver: Peer): Promise<void> {
  for (const peer of [sender, receiver]) {
    await peer.page.goto(ctx.benchPageUrl);
    await peer.page.waitForFunction(BENCH_PAGE_READY);
  }
  const offer = loopbackOnly(await sender.page.evaluate(() => window.rawBench.offer()));
  const answer = loopbackOnly(await receiver.page.evaluate((sdp) => window.rawBench.answer(sdp), offer));
  await sender.page.evaluate((sdp) => window.rawBench.accept(sdp), answer);
  for (const peer of [sender, receiver]) await peer.page.evaluate((ms) => window.rawBench.open(ms), OPEN_TIMEOUT_MS);
}

async function sendOnce(sender: Peer, receiver: Peer, messageBytes: number, bytes: number): Promise<void> {
  await receiver.page.evaluate((n) => window.rawBench.expect(n), bytes);
  await sender.page.evaluate(([m, n]) => window.rawBench.send(m, n), [messageBytes, bytes] as const);
  await receiver.page.evaluate(() => window.rawBench.arrived());
}

/**
 * Drops every ICE candidate not on 127.0.0.1 (the app does the same through
 * its test hook), so even outside a loopback-only namespace the raw channel
 * takes the path the Shoal peers take.
 */
export function loopbackOnly(sdp: string): string {
  return sdp
    .split('\r\n')
    .filter((line) => !line.startsWith('a=candidate:') || line.split(' ')[4] === '127.0.0.1')
    .join('\r\n');
}
