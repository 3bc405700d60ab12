/**
 * A token bucket: at most `bytesPerSecond` on average, with bursts up to one
 * second's worth. Time is injected; callers retry after `refill` time passes
 * (the swarm's tick), so nothing here needs a timer.
 */
export class RateLimiter {
  private tokens: number;
  private lastAt: number;

  constructor(
    private readonly now: () => number,
    private readonly bytesPerSecond: number,
  ) {
    if (!(bytesPerSecond > 0)) throw new RangeError(`rate limit must be positive, got ${bytesPerSecond}`);
    this.tokens = bytesPerSecond;
    this.lastAt = now();
  }

  /**
   * Spends `bytes` if the bucket is not empty. It may go into debt by one
   * message, so a limit below one block per second still makes progress.
   */
  take(bytes: number): boolean {
    const now = this.now();
    this.tokens = Math.min(this.bytesPerSecond, this.tokens + ((now - this.lastAt) * this.bytesPerSecond) / 1000);
    this.lastAt = now;
    if (this.tokens <= 0) return false;
    this.tokens -= bytes;
    return true;
  }
}
