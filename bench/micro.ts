import { du } from './disk-usage.ts';
import { BENCH_PAGE_READY } from './bench-pages.ts';
import { KiB, MiB, sizeLabel, type BenchContext } from './context.ts';
import { withCpu } from './cpu.ts';
import { Peer } from './peers.ts';
import { mbPerSecond } from './report.ts';
import type { HashImpl } from './pages/hash-protocol.ts';

const HASH_IMPLS: HashImpl[] = ['hash-wasm', 'webcrypto'];
const HASH_PIECES = [256 * KiB, MiB];
/** 64 KiB: the app's piece size up to ~94 MiB shares; 256 KiB: up to ~375 MiB. */
const STORAGE_PIECES = [64 * KiB, 256 * KiB];

/** Item 4: SHA-256 in a worker, hash-wasm against WebCrypto, alternating A B A B. */
export async function benchHashing(ctx: BenchContext): Promise<void> {
  const peer = await Peer.launch(ctx.config, 'hashing');
  try {
    await peer.page.goto(ctx.benchPageUrl);
    await peer.page.waitForFunction(BENCH_PAGE_READY);
    const bytes = ctx.config.hashBytes;
    for (let repeat = 0; repeat < ctx.config.repeats; repeat++) {
      for (const pieceBytes of HASH_PIECES) {
        for (const impl of HASH_IMPLS) {
          const { value: ms, chromiumCpuS } = await withCpu(() =>
            peer.page.evaluate(([i, p, b]) => window.hashBench.run(i, p, b), [impl, pieceBytes, bytes] as const),
          );
          ctx.report.add({
            section: 'hash',
            config: `${impl} piece=${sizeLabel(pieceBytes)}`,
            repeat,
            bytes,
            ms: Math.round(ms),
            mbps: mbPerSecond(bytes, ms),
            chromiumCpuS,
            // Coarse (10 ms ticks, and the whole renderer counts) but immune to waiting for a core.
            mbPerCpuS: bytes / 1e6 / chromiumCpuS,
          });
        }
      }
    }
  } finally {
    await peer.close();
  }
}

/** Item 5: the IndexedDB piece store, write then read, in an on-disk profile. */
export async function benchStorage(ctx: BenchContext): Promise<void> {
  const peer = await Peer.launch(ctx.config, 'storage');
  try {
    await peer.page.goto(ctx.benchPageUrl);
    await peer.page.waitForFunction(BENCH_PAGE_READY);
    const bytes = ctx.config.storageBytes;
    for (let repeat = 0; repeat < ctx.config.repeats; repeat++) {
      for (const pieceBytes of STORAGE_PIECES) {
        const diskBefore = du(peer.profileDir);
        const write = await withCpu(() => peer.page.evaluate(([p, b]) => window.storageBench.write(p, b), [pieceBytes, bytes] as const));
        // Proof the store is on disk: the profile grew by about the bytes written.
        const diskGrowth = du(peer.profileDir) - diskBefore;
        const read = await withCpu(() => peer.page.evaluate(() => window.storageBench.read()));
        await peer.page.evaluate(() => window.storageBench.destroy());
        ctx.report.add({
          section: 'storage',
          config: `piece=${sizeLabel(pieceBytes)}`,
          repeat,
          bytes,
          writeMs: Math.round(write.value),
          writeMbps: mbPerSecond(bytes, write.value),
          readMs: Math.round(read.value),
          readMbps: mbPerSecond(bytes, read.value),
          writeCpuS: write.chromiumCpuS,
          readCpuS: read.chromiumCpuS,
          profileGrowthMiB: diskGrowth / MiB,
        });
      }
    }
  } finally {
    await peer.close();
  }
}
