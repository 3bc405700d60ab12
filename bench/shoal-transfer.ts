import { sizeLabel, type BenchApp, type BenchContext } from './context.ts';
import { browserThreadCpuSeconds, threadCpuMetrics, withCpu } from './cpu.ts';
import { ChromiumTrace } from './chromium-trace.ts';
import { MainThreadTasks } from './main-thread-tasks.ts';
import { CpuProfile } from './cpu-profile.ts';
import { firstPieceReached, firstPieceTimeline, watchFirstPiece } from './first-piece-timeline.ts';
import { HeapSampler } from './heap-sampler.ts';
import { closeAll, launchPeers, type Peer } from './peers.ts';
import { mbPerSecond } from './report.ts';
import { downloadComplete, openApp, shareFile, snapshot } from './shoal-pages.ts';

/**
 * Items 2, 6 and 7, and time to first piece: one seeder browser shares a
 * random file through the app's file input; one leecher browser opens the
 * link. Wall time runs from opening the link (page load, signaling, manifest
 * fetch, requests, verification, IndexedDB writes) to the last piece stored.
 * Meanwhile the leecher's JS heap is sampled and the seeder's long tasks are
 * recorded, for creating the share and for serving it.
 */
export async function benchOneToOne(ctx: BenchContext, app: BenchApp, bytes: number, repeat: number): Promise<void> {
  const path = await ctx.files.ofSize(bytes);
  const peers = await launchPeers(ctx.config, ['seeder', 'leecher']);
  const config = `size=${sizeLabel(bytes)}${app.label}`;
  const { profileDir, traceDir } = ctx.config;
  const profileName = (role: string) => `${config.replace(/[ =]/g, '-')}-r${repeat}-${role}`;
  try {
    const [seeder, leecher] = peers;
    const timeout = ctx.config.transferTimeoutMs;
    await openApp(seeder, app.url);
    // One trace at a time per browser: a full trace (BENCH_TRACE_DIR) leaves these out.
    const creatorTasks = traceDir ? null : await MainThreadTasks.start(await seeder.cdp());
    const created = await withCpu(() => shareFile(seeder, path, ctx.config.share, timeout));
    const creating = await creatorTasks?.stop();
    const share = created.value;

    await leecher.visitOtherSite(ctx.benchPageUrl);
    const serveFromMs = await seeder.now();
    const heap = new HeapSampler(await leecher.cdp());
    const profiles: CpuProfile[] = [];
    const traces: ChromiumTrace[] = [];
    if (profileDir) profiles.push(await CpuProfile.start(await seeder.cdp(), profileName('seeder')));
    if (traceDir) traces.push(await ChromiumTrace.start(await seeder.cdp(), profileName('seeder')));
    const seederTasks = traceDir ? null : await MainThreadTasks.start(await seeder.cdp());
    const leecherThreadsBefore = browserThreadCpuSeconds(leecher.browserPid);
    const started = performance.now();
    let firstPieceMs = NaN;
    const download = await withCpu(async () => {
      await leecher.page.goto(share.link, { waitUntil: 'commit' });
      // After the navigation: a new document may get a new renderer, which a profile would not follow.
      if (profileDir) profiles.push(await CpuProfile.start(await leecher.cdp(), profileName('leecher')));
      if (traceDir) traces.push(await ChromiumTrace.start(await leecher.cdp(), profileName('leecher')));
      await watchFirstPiece(leecher, share.swarmId);
      await firstPieceReached(leecher, timeout);
      firstPieceMs = performance.now() - started;
      await downloadComplete(leecher, share.swarmId, timeout);
    }, [seeder.browserPid, leecher.browserPid]);
    const ms = performance.now() - started;
    const leecherThreads = threadCpuMetrics('leecher', leecherThreadsBefore, browserThreadCpuSeconds(leecher.browserPid));
    for (const profile of profiles) await profile.stop(profileDir!);
    for (const trace of traces) await trace.stop(traceDir!);
    const serving = await seederTasks?.stop();
    const memory = await heap.stop();
    const serveToMs = await seeder.now();
    const [got, gave] = [await snapshot(leecher, share.swarmId), await snapshot(seeder, share.swarmId)];
    if (got.bytesDownloaded < bytes) throw new Error(`leecher reports ${got.bytesDownloaded} of ${bytes} bytes`);

    ctx.report.add({
      section: 'one-to-one',
      config,
      repeat,
      bytes,
      pieces: got.pieceCount,
      ms: Math.round(ms),
      mbps: mbPerSecond(bytes, ms),
      firstPieceMs: Math.round(firstPieceMs),
      ...(await firstPieceTimeline(leecher)),
      chromiumCpuS: download.chromiumCpuS,
      mbPerCpuS: bytes / 1e6 / download.chromiumCpuS,
      seederCpuS: download.browserCpuS[0],
      leecherCpuS: download.browserCpuS[1],
      ...leecherThreads,
      leecherPeakJsHeapMiB: memory.peakJsHeapBytes / 2 ** 20,
      leecherPeakArrayBufferMiB: memory.peakArrayBufferBytes / 2 ** 20,
      leecherPeakHeapMiB: memory.peakTotalBytes / 2 ** 20,
      heapSamples: memory.heapSamples,
      heapSampleFailures: memory.heapSampleFailures,
      createShareMs: Math.round(share.createMs),
      createShareCpuS: created.chromiumCpuS,
      seederLongestTaskCreateMs: await seeder.longestTaskMs(share.pageFromMs, share.pageToMs),
      seederLongestTaskCreateCpuMs: creating?.longestCpuMs ?? NaN,
      seederCostliestCreateTaskFrom: creating?.postedFrom ?? '',
      seederLongestTaskServeMs: await seeder.longestTaskMs(serveFromMs, serveToMs),
      seederLongestTaskServeCpuMs: serving?.longestCpuMs ?? NaN,
      seederCostliestServeTaskFrom: serving?.postedFrom ?? '',
      leecherLongestTaskMs: await leecher.longestTaskMs(0, Number.MAX_VALUE),
      leecherBytesDownloaded: got.bytesDownloaded,
      seederBytesUploaded: gave.bytesUploaded,
    });
  } finally {
    await closeAll(peers);
  }
}

/**
 * Item 3: one seeder, several leechers opening the link at once. Time until
 * the last completes, each leecher's rate, and the bytes leechers uploaded
 * (a leecher only uploads to other leechers, the seeder never downloads).
 */
export async function benchSwarm(ctx: BenchContext, repeat: number): Promise<void> {
  const bytes = ctx.config.swarmBytes;
  const path = await ctx.files.ofSize(bytes);
  const names = ['seeder', ...Array.from({ length: ctx.config.swarmLeechers }, (_, i) => `leecher${i + 1}`)];
  const peers = await launchPeers(ctx.config, names);
  try {
    const [seeder, ...leechers] = peers;
    const timeout = ctx.config.transferTimeoutMs;
    await openApp(seeder, ctx.appUrl);
    const share = await shareFile(seeder, path, ctx.config.share, timeout);
    const started = performance.now();
    const run = await withCpu(() => Promise.all(leechers.map((l) => downloadTimed(l, share.link, share.swarmId, timeout, started))));
    const doneMs = run.value;
    const lastMs = Math.max(...doneMs);
    const snaps = await Promise.all(leechers.map((l) => snapshot(l, share.swarmId)));
    const seederSnap = await snapshot(seeder, share.swarmId);
    const leecherUploads = snaps.reduce((sum, s) => sum + s.bytesUploaded, 0);
    ctx.report.add({
      section: 'swarm',
      config: `1x${leechers.length} size=${sizeLabel(bytes)}`,
      repeat,
      bytes,
      lastMs: Math.round(lastMs),
      // Aggregate: every leecher's copy over the time the last one took.
      aggregateMbps: mbPerSecond(bytes * leechers.length, lastMs),
      leecherMbps: doneMs.map((ms) => mbPerSecond(bytes, ms).toFixed(1)).join(' '),
      slowestLeecherMbps: mbPerSecond(bytes, lastMs),
      leecherUploadedMiB: leecherUploads / 2 ** 20,
      seederUploadedMiB: seederSnap.bytesUploaded / 2 ** 20,
      chromiumCpuS: run.chromiumCpuS,
    });
  } finally {
    await closeAll(peers);
  }
}

async function downloadTimed(leecher: Peer, link: string, swarmId: string, timeoutMs: number, startedAt: number): Promise<number> {
  await leecher.page.goto(link, { waitUntil: 'commit' });
  await downloadComplete(leecher, swarmId, timeoutMs);
  return performance.now() - startedAt;
}
