/** Below this the estimate would be days of noise: treat the rate as stalled. */
const MIN_RATE_BYTES_PER_SECOND = 512;
/** Further out than this is not an estimate anyone can act on. */
const MAX_ETA_SECONDS = 7 * 24 * 3600;
const DEFAULT_HALF_LIFE_MS = 5_000;

/** Seconds to fetch `remainingBytes` at `bytesPerSecond`, or null when unknown (stalled, done, or absurdly far). */
export function secondsLeft(remainingBytes: number, bytesPerSecond: number): number | null {
  if (!(remainingBytes > 0) || !(bytesPerSecond >= MIN_RATE_BYTES_PER_SECOND)) return null;
  const seconds = remainingBytes / bytesPerSecond;
  return seconds <= MAX_ETA_SECONDS ? seconds : null;
}

/**
 * Time left for a download, from an exponentially smoothed rate so the
 * estimate does not jump with every burst. Samples may arrive at any
 * interval: each one weighs by the time since the last (half-life decay).
 */
export class EtaEstimator {
  private smoothedRate: number | null = null;
  private lastSampleAt = 0;

  constructor(private readonly halfLifeMs = DEFAULT_HALF_LIFE_MS) {}

  /** Feeds the current rate; returns seconds left, or null while unknown. */
  update(nowMs: number, bytesPerSecond: number, remainingBytes: number): number | null {
    const rate = Number.isFinite(bytesPerSecond) && bytesPerSecond > 0 ? bytesPerSecond : 0;
    if (this.smoothedRate === null) {
      this.smoothedRate = rate;
    } else {
      const elapsedMs = Math.max(0, nowMs - this.lastSampleAt);
      const weight = 1 - 2 ** (-elapsedMs / this.halfLifeMs);
      this.smoothedRate += weight * (rate - this.smoothedRate);
    }
    this.lastSampleAt = nowMs;
    return this.estimate(remainingBytes);
  }

  estimate(remainingBytes: number): number | null {
    return this.smoothedRate === null ? null : secondsLeft(remainingBytes, this.smoothedRate);
  }
}
