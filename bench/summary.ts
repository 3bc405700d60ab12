import { sizeLabel, MiB } from './context.ts';
import type { BenchConfig } from './config.ts';
import { threadMetric } from './cpu.ts';
import { fixed, markdownTable, type Report } from './report.ts';

/** The tables printed at the end of a run (Markdown, so they paste into docs/benchmarks.md). */
export function summarize(report: Report, config: BenchConfig): string {
  const out: string[] = [];
  const m = (section: string, cfg: string, metric: string): number => report.median(section, cfg, metric);

  const rawConfigs = report.configs('raw');
  const rawBestConfig = rawConfigs.reduce<string | null>((best, c) => (best === null || m('raw', c, 'mbps') > m('raw', best, 'mbps') ? c : best), null);
  const rawBest = rawBestConfig === null ? NaN : m('raw', rawBestConfig, 'mbps');
  if (rawConfigs.length > 0) {
    out.push('### 1. Raw data channel (64 MiB per run, 1 MB = 10^6 bytes)');
    out.push(
      markdownTable(
        ['message', 'runs', 'MB/s (median)', 'Chromium CPU s', 'CPU s: sender / receiver', 'MB per CPU s'],
        rawConfigs.map((c) => [
          c,
          `${report.count('raw', c)}`,
          fixed(m('raw', c, 'mbps')),
          fixed(m('raw', c, 'chromiumCpuS'), 2),
          `${fixed(m('raw', c, 'senderCpuS'), 1)} / ${fixed(m('raw', c, 'receiverCpuS'), 1)}`,
          fixed(m('raw', c, 'mbPerCpuS')),
        ]),
      ),
    );
    out.push(`Best (the denominator): **${fixed(rawBest)} MB/s**`);
  }

  const oneConfigs = report.configs('one-to-one');
  if (oneConfigs.length > 0) {
    out.push('### 2, 6, 7. Shoal 1→1 (medians)');
    out.push(
      markdownTable(
        ['size', 'runs', 'wall s', 'MB/s', '× raw', 'first piece ms', 'Chromium CPU s', 'CPU s: seeder / leecher', 'MB per CPU s', 'leecher peak JS heap + ArrayBuffers MiB', 'create share s', 'seeder longest task: create / serve ms', 'seeder longest task, CPU: create / serve ms'],
        oneConfigs.map((c) => [
          c,
          `${report.count('one-to-one', c)}`,
          fixed(m('one-to-one', c, 'ms') / 1000, 2),
          fixed(m('one-to-one', c, 'mbps')),
          fixed(m('one-to-one', c, 'mbps') / rawBest, 2),
          fixed(m('one-to-one', c, 'firstPieceMs'), 0),
          fixed(m('one-to-one', c, 'chromiumCpuS'), 1),
          `${fixed(m('one-to-one', c, 'seederCpuS'), 1)} / ${fixed(m('one-to-one', c, 'leecherCpuS'), 1)}`,
          fixed(m('one-to-one', c, 'mbPerCpuS')),
          `${fixed(m('one-to-one', c, 'leecherPeakJsHeapMiB'))} + ${fixed(m('one-to-one', c, 'leecherPeakArrayBufferMiB'))} = ${fixed(m('one-to-one', c, 'leecherPeakHeapMiB'))}`,
          fixed(m('one-to-one', c, 'createShareMs') / 1000, 2),
          `${fixed(worst(report, 'one-to-one', c, 'seederLongestTaskCreateMs'), 0)} / ${fixed(worst(report, 'one-to-one', c, 'seederLongestTaskServeMs'), 0)}`,
          `${fixed(worst(report, 'one-to-one', c, 'seederLongestTaskCreateCpuMs'), 0)} / ${fixed(worst(report, 'one-to-one', c, 'seederLongestTaskServeCpuMs'), 0)}`,
        ]),
      ),
    );
    out.push(
      '(longest tasks: the worst over the runs; 0 = none reached 50 ms. Wall time from the longtask API, which includes waiting for a core; CPU time from a trace of the main thread)',
    );
  }

  const receivers = [
    ...(rawBestConfig === null ? [] : [{ label: `raw receiver, ${rawBestConfig}`, section: 'raw', config: rawBestConfig, role: 'receiver' }]),
    ...oneConfigs.map((c) => ({ label: `leecher, ${c}`, section: 'one-to-one', config: c, role: 'leecher' })),
  ];
  if (receivers.length > 0) {
    out.push('### Where the receiving browser spends its CPU (CPU s per run, medians)');
    out.push(threadTable(report, receivers));
    out.push('(process type / thread name, as Linux keeps it; threads under 0.05 s left out)');
  }

  const swarmConfigs = report.configs('swarm');
  if (swarmConfigs.length > 0) {
    out.push('### 3. Shoal 1→N (medians)');
    out.push(
      markdownTable(
        ['swarm', 'runs', 'last done s', 'slowest leecher MB/s', 'per-leecher MB/s (last run)', 'leechers uploaded MiB', 'seeder uploaded MiB', 'Chromium CPU s'],
        swarmConfigs.map((c) => [
          c,
          `${report.count('swarm', c)}`,
          fixed(m('swarm', c, 'lastMs') / 1000, 2),
          fixed(m('swarm', c, 'slowestLeecherMbps')),
          String(report.samples.filter((s) => s.section === 'swarm' && s.config === c).at(-1)?.leecherMbps ?? '—'),
          fixed(m('swarm', c, 'leecherUploadedMiB')),
          fixed(m('swarm', c, 'seederUploadedMiB')),
          fixed(m('swarm', c, 'chromiumCpuS'), 1),
        ]),
      ),
    );
  }

  const hashConfigs = report.configs('hash');
  if (hashConfigs.length > 0) {
    out.push(`### 4. SHA-256 in a worker (${config.hashBytes / MiB} MiB per run)`);
    out.push(
      markdownTable(
        ['implementation', 'runs', 'MB/s (median)', 'Chromium CPU s', 'MB per CPU s'],
        hashConfigs.map((c) => [
          c,
          `${report.count('hash', c)}`,
          fixed(m('hash', c, 'mbps')),
          fixed(m('hash', c, 'chromiumCpuS'), 2),
          fixed(m('hash', c, 'mbPerCpuS'), 0),
        ]),
      ),
    );
  }

  const storageConfigs = report.configs('storage');
  if (storageConfigs.length > 0) {
    out.push(`### 5. IndexedDB piece store (${config.storageBytes / MiB} MiB per run, on-disk profile)`);
    out.push(
      markdownTable(
        ['pieces', 'runs', 'write MB/s', 'read MB/s', 'write CPU s', 'read CPU s', 'profile growth MiB'],
        storageConfigs.map((c) => [
          c,
          `${report.count('storage', c)}`,
          fixed(m('storage', c, 'writeMbps')),
          fixed(m('storage', c, 'readMbps')),
          fixed(m('storage', c, 'writeCpuS'), 2),
          fixed(m('storage', c, 'readCpuS'), 2),
          fixed(m('storage', c, 'profileGrowthMiB')),
        ]),
      ),
    );
  }

  const connectionConfigs = report.configs('connections');
  if (connectionConfigs.length > 0) {
    const none = connectionConfigs[0];
    out.push('### Idle neighbours (one page, both ends of each connection, pinging every 4 s)');
    out.push(
      markdownTable(
        ['neighbours', 'runs', 'Chromium RSS MiB', 'per neighbour MiB', 'idle CPU %'],
        connectionConfigs.map((c) => {
          const neighbours = m('connections', c, 'neighbours');
          const extra = m('connections', c, 'chromiumRssMiB') - m('connections', none, 'chromiumRssMiB');
          return [
            c,
            `${report.count('connections', c)}`,
            fixed(m('connections', c, 'chromiumRssMiB')),
            neighbours > 0 ? fixed(extra / neighbours, 2) : '—',
            fixed(m('connections', c, 'idleCpuPercent')),
          ];
        }),
      ),
    );
  }

  if (oneConfigs.length > 0) out.push('### Targets', targets(report, config, rawBest));
  return out.join('\n\n');
}

function targets(report: Report, config: BenchConfig, rawBest: number): string {
  const sizes = [...config.oneToOneSizes].sort((a, b) => a - b);
  const [small, large] = [sizes[0], sizes[sizes.length - 1]];
  const cfg = (bytes: number): string => `size=${sizeLabel(bytes)}`;
  const m = (bytes: number, metric: string): number => report.median('one-to-one', cfg(bytes), metric);
  const rows: string[][] = [];
  const ratio = m(large, 'mbps') / rawBest;
  rows.push([`1→1 rate ≥ 0.8 × raw (${sizeLabel(large)})`, fixed(ratio, 2), verdict(ratio >= 0.8)]);
  // Not a target, but the same comparison in CPU cost, which waiting for a busy core does not distort.
  const rawCost = Math.max(...report.configs('raw').map((c) => report.median('raw', c, 'mbPerCpuS')));
  const cpuRatio = m(large, 'mbPerCpuS') / rawCost;
  rows.push([`(for reference) 1→1 MB per CPU s ÷ raw best (${sizeLabel(large)})`, fixed(cpuRatio, 2), '']);
  const heapGrowth = m(large, 'leecherPeakHeapMiB') - m(small, 'leecherPeakHeapMiB');
  rows.push([`peak leecher heap + ArrayBuffers ${sizeLabel(large)} − ${sizeLabel(small)} ≤ 16 MiB`, `${fixed(heapGrowth)} MiB`, verdict(heapGrowth <= 16)]);
  const longest = Math.max(
    worst(report, 'one-to-one', cfg(large), 'seederLongestTaskCreateMs'),
    worst(report, 'one-to-one', cfg(large), 'seederLongestTaskServeMs'),
  );
  rows.push([`no seeder task > 50 ms creating/serving ${sizeLabel(large)}`, `${fixed(longest, 0)} ms`, verdict(longest <= 50)]);
  const longestCpu = Math.max(
    worst(report, 'one-to-one', cfg(large), 'seederLongestTaskCreateCpuMs'),
    worst(report, 'one-to-one', cfg(large), 'seederLongestTaskServeCpuMs'),
  );
  rows.push([`(for reference) the seeder's longest task creating/serving in CPU time (${sizeLabel(large)})`, `${fixed(longestCpu, 0)} ms`, '']);
  const firstPiece = Math.max(...sizes.map((s) => m(s, 'firstPieceMs')));
  rows.push(['link → first verified piece < 1 s (worst median over sizes)', `${fixed(firstPiece, 0)} ms`, verdict(firstPiece < 1000)]);
  return markdownTable(['target', 'measured', ''], rows);
}

/** One row per kind of thread any of `columns` spent CPU in, busiest first. */
function threadTable(report: Report, columns: Array<{ label: string; section: string; config: string; role: string }>): string {
  const seconds = (column: (typeof columns)[number], kind: string) => report.median(column.section, column.config, threadMetric(column.role, kind));
  const kinds = new Set<string>();
  for (const column of columns) {
    const prefix = threadMetric(column.role, '');
    for (const sample of report.samples.filter((s) => s.section === column.section && s.config === column.config)) {
      for (const key of Object.keys(sample)) if (key.startsWith(prefix)) kinds.add(key.slice(prefix.length));
    }
  }
  const busiest = (kind: string) => Math.max(...columns.map((c) => seconds(c, kind)).filter(Number.isFinite));
  const rows = [...kinds].sort((a, b) => busiest(b) - busiest(a)).map((kind) => [kind, ...columns.map((c) => fixed(seconds(c, kind), 2))]);
  return markdownTable(['thread', ...columns.map((c) => c.label)], rows);
}

function worst(report: Report, section: string, config: string, metric: string): number {
  const values = report.samples
    .filter((s) => s.section === section && s.config === config && typeof s[metric] === 'number')
    .map((s) => s[metric] as number);
  return values.length > 0 ? Math.max(...values) : NaN;
}

function verdict(ok: boolean): string {
  return ok ? 'met' : '**not met**';
}
