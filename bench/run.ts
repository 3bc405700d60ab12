import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { loadavg, networkInterfaces } from 'node:os';
import { createSignalingServer } from '../signaling/server.ts';
import { startBenchPages } from './bench-pages.ts';
import { readConfig, sectionEnabled } from './config.ts';
import { benchConnections } from './connections.ts';
import type { BenchContext } from './context.ts';
import { benchHashing, benchStorage } from './micro.ts';
import { benchRawChannel } from './raw-channel.ts';
import { Report } from './report.ts';
import { benchOneToOne, benchSwarm } from './shoal-transfer.ts';
import { summarize } from './summary.ts';
import { TestFiles } from './test-file.ts';

/**
 * `npm run bench`: transfer speed, hashing, storage, memory and
 * responsiveness of Shoal in headless Chromium on loopback, one run on one
 * machine. Every measurement is a JSON line on stdout (and in
 * test-results/bench.jsonl); a Markdown summary of medians closes the run.
 * Compared configurations alternate (A B A B) within each repeat.
 */
const JSONL_PATH = 'test-results/bench.jsonl';

async function main(): Promise<void> {
  const config = readConfig(process.env);
  for (const dir of config.appDirs) {
    if (!existsSync(`${dir}/index.html`)) throw new Error(`no built site in ${dir}/ — run \`npx vite build\` first (npm run bench does)`);
  }
  const report = new Report(JSONL_PATH);
  const interfaces = Object.keys(networkInterfaces());
  report.add({
    section: 'environment',
    config: 'start',
    repeat: 0,
    chromium: execFileSync(config.chromiumPath, ['--version'], { encoding: 'utf8' }).trim(),
    node: process.version,
    interfaces: interfaces.join(','),
    loopbackOnly: interfaces.every((name) => name === 'lo'),
    loadAverage1m: loadavg()[0],
    repeats: config.repeats,
    share: config.share,
    pinCores: config.pinCores,
  });

  const servers = await Promise.all(
    config.appDirs.map((staticDir) => createSignalingServer({ port: 0, host: '127.0.0.1', staticDir })),
  );
  const apps = servers.map((server, i) => ({ label: i === 0 ? '' : ` app=${config.appDirs[i]}`, url: server.httpUrl }));
  const pages = await startBenchPages();
  const files = new TestFiles();
  const ctx: BenchContext = { config, report, files, appUrl: apps[0].url, apps, benchPageUrl: pages.url };
  const started = performance.now();
  try {
    if (sectionEnabled(config, 'hashing')) await benchHashing(ctx);
    if (sectionEnabled(config, 'storage')) await benchStorage(ctx);
    for (let repeat = 0; repeat < config.repeats; repeat++) {
      if (sectionEnabled(config, 'raw')) await benchRawChannel(ctx, repeat);
      if (sectionEnabled(config, 'one-to-one')) {
        for (const bytes of config.oneToOneSizes) {
          // Alternate builds A B, then B A on the next repeat, so neither always runs first.
          const apps = repeat % 2 === 0 ? ctx.apps : [...ctx.apps].reverse();
          for (const app of apps) await benchOneToOne(ctx, app, bytes, repeat);
        }
      }
      if (sectionEnabled(config, 'swarm')) await benchSwarm(ctx, repeat);
      if (sectionEnabled(config, 'connections')) await benchConnections(ctx, repeat);
    }
  } finally {
    files.removeAll();
    await pages.close();
    await Promise.all(servers.map((server) => server.close()));
  }
  report.add({
    section: 'environment',
    config: 'end',
    repeat: 0,
    totalS: Math.round((performance.now() - started) / 1000),
    loadAverage1m: loadavg()[0],
  });
  console.log('\n' + summarize(report, config));
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
