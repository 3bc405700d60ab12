import type { BenchConfig } from './config.ts';
import type { Report } from './report.ts';
import type { TestFiles } from './test-file.ts';

/** What every section of the bench needs. */
export interface BenchContext {
  config: BenchConfig;
  report: Report;
  files: TestFiles;
  /** The built app, served with signaling by `createSignalingServer`, e.g. `http://127.0.0.1:41234/`. */
  appUrl: string;
  /** Every build the 1→1 runs alternate between; the first is `appUrl` and has an empty label. */
  apps: BenchApp[];
  /** Vite-served page with the raw-channel, hashing and storage benches. */
  benchPageUrl: string;
}

export interface BenchApp {
  /** Appended to a config name, e.g. ' app=dist-before'; empty for the app under test. */
  label: string;
  url: string;
}

export const KiB = 1024;
export const MiB = 1024 * 1024;

/** '64KiB', '256MiB' — for config labels. */
export function sizeLabel(bytes: number): string {
  return bytes >= MiB && bytes % MiB === 0 ? `${bytes / MiB}MiB` : `${bytes / KiB}KiB`;
}
