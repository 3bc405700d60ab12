import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname } from 'node:path';

/** One measurement: printed as a JSON line the moment it is taken, and kept for the summary. */
export interface Sample {
  /** e.g. 'raw', 'one-to-one', 'swarm', 'hash', 'storage'. */
  section: string;
  /** The compared configuration within a section, e.g. 'msg=64KiB' or 'size=256MiB'. */
  config: string;
  repeat: number;
  [metric: string]: string | number | boolean | null;
}

/** 1 MB = 1e6 bytes throughout. */
export function mbPerSecond(bytes: number, ms: number): number {
  return bytes / 1e6 / (ms / 1000);
}

export function median(values: number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export class Report {
  readonly samples: Sample[] = [];

  constructor(private readonly jsonlPath: string) {
    mkdirSync(dirname(jsonlPath), { recursive: true });
    writeFileSync(jsonlPath, '');
  }

  add(sample: Sample): void {
    this.samples.push(sample);
    // Three decimals are well below the noise; the rest would only clutter the lines.
    const rounded = Object.fromEntries(
      Object.entries(sample).map(([k, v]) => [k, typeof v === 'number' && !Number.isInteger(v) ? Math.round(v * 1000) / 1000 : v]),
    );
    // The machine is shared: the load average says how much to trust this line's wall times.
    const line = JSON.stringify({ ...rounded, loadAverage1m: loadavg()[0], at: new Date().toISOString() });
    console.log(line);
    appendFileSync(this.jsonlPath, line + '\n');
  }

  /** Median of a metric over the repeats of one configuration. */
  median(section: string, config: string, metric: string): number {
    return median(
      this.samples
        .filter((s) => s.section === section && s.config === config && typeof s[metric] === 'number')
        .map((s) => s[metric] as number),
    );
  }

  configs(section: string): string[] {
    return [...new Set(this.samples.filter((s) => s.section === section).map((s) => s.config))];
  }

  count(section: string, config: string): number {
    return this.samples.filter((s) => s.section === section && s.config === config).length;
  }
}

/** A Markdown table (it reads fine in a terminal, and pastes into docs/benchmarks.md). */
export function markdownTable(header: string[], rows: string[][]): string {
  const line = (cells: string[]): string => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

export function fixed(value: number, digits = 1): string {
  return Number.isFinite(value) ? value.toFixed(digits) : '—';
}
