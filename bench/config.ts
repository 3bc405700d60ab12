/** What `npm run bench` measures and how often, from the environment (defaults keep a run under ~10 minutes). */
export interface BenchConfig {
  /** Alternating repeats of every compared configuration; medians are over these. */
  repeats: number;
  /** Bytes per raw data-channel run. */
  rawBytes: number;
  rawMessageSizes: number[];
  /** Shoal 1→1 sizes (the smallest doubles as the memory baseline). */
  oneToOneSizes: number[];
  swarmBytes: number;
  swarmLeechers: number;
  hashBytes: number;
  storageBytes: number;
  /** Only these sections run (all when empty): raw, one-to-one, swarm, hashing, storage. */
  only: Set<string>;
  /** Give up on a single transfer after this long. */
  transferTimeoutMs: number;
  chromiumPath: string;
  /**
   * Each peer's browser on a core of its own (BENCH_PIN_CORES=1), as on
   * separate machines; by default all browsers share all cores.
   */
  pinCores: boolean;
  /**
   * Built sites the 1→1 runs alternate between (A B A B), e.g. `dist,dist-before`
   * to compare a change with its baseline in one run; the first is the app under test.
   */
  appDirs: string[];
  /** The kind of share the app creates: private (the app's default) or public. */
  share: 'private' | 'public';
  /** When set, CPU profiles of both 1→1 pages are written here (profiling slows the run). */
  profileDir: string | null;
  /** When set, Chromium traces of both 1→1 browsers are written here (tracing slows the run). */
  traceDir: string | null;
}

const MiB = 1024 * 1024;
const KiB = 1024;

export class BenchConfigError extends Error {
  override name = 'BenchConfigError';
  readonly code = 'bad-env' as const;
}

export function readConfig(env: NodeJS.ProcessEnv): BenchConfig {
  return {
    repeats: positiveInt(env, 'BENCH_REPEATS', 2),
    rawBytes: positiveInt(env, 'BENCH_RAW_MIB', 64) * MiB,
    rawMessageSizes: [16 * KiB, 64 * KiB, 256 * KiB],
    oneToOneSizes: intList(env, 'BENCH_ONE_TO_ONE_MIB', [32, 64, 256]).map((n) => n * MiB),
    swarmBytes: positiveInt(env, 'BENCH_SWARM_MIB', 64) * MiB,
    swarmLeechers: positiveInt(env, 'BENCH_SWARM_LEECHERS', 3),
    hashBytes: positiveInt(env, 'BENCH_HASH_MIB', 128) * MiB,
    storageBytes: positiveInt(env, 'BENCH_STORAGE_MIB', 64) * MiB,
    only: new Set((env.BENCH_ONLY ?? '').split(',').map((s) => s.trim()).filter(Boolean)),
    transferTimeoutMs: positiveInt(env, 'BENCH_TRANSFER_TIMEOUT_S', 300) * 1000,
    chromiumPath: env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    pinCores: flag(env, 'BENCH_PIN_CORES'),
    appDirs: (env.BENCH_APP_DIRS ?? 'dist').split(',').map((s) => s.trim()).filter(Boolean),
    profileDir: env.BENCH_PROFILE_DIR || null,
    traceDir: env.BENCH_TRACE_DIR || null,
    share: shareKind(env.BENCH_SHARE),
  };
}

export function sectionEnabled(config: BenchConfig, section: string): boolean {
  return config.only.size === 0 || config.only.has(section);
}

function positiveInt(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value <= 0) throw new BenchConfigError(`${name} must be a positive integer, got "${raw}"`);
  return value;
}

function flag(env: NodeJS.ProcessEnv, name: string): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '' || raw === '0') return false;
  if (raw === '1') return true;
  throw new BenchConfigError(`${name} must be 0 or 1, got "${raw}"`);
}

function shareKind(raw: string | undefined): 'private' | 'public' {
  if (raw === undefined || raw === '' || raw === 'private') return 'private';
  if (raw === 'public') return 'public';
  throw new BenchConfigError(`BENCH_SHARE must be private or public, got "${raw}"`);
}

function intList(env: NodeJS.ProcessEnv, name: string, fallback: number[]): number[] {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  return raw.split(',').map((part) => positiveInt({ [name]: part.trim() }, name, 0));
}
