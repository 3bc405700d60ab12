/**
 * Bytes per second over a sliding window, in fixed time buckets so memory
 * stays constant however many samples arrive. Time is injected.
 */
export class RateMeter {
  private readonly buckets: Float64Array;
  private readonly bucketMs: number;
  private currentBucket = -1;
  private readonly startedAt: number;
  total = 0;

  constructor(
    private readonly now: () => number,
    readonly windowMs = 4000,
    bucketCount = 8,
  ) {
    this.buckets = new Float64Array(bucketCount);
    this.bucketMs = windowMs / bucketCount;
    this.startedAt = now();
  }

  add(bytes: number): void {
    this.advance();
    this.buckets[this.currentBucket % this.buckets.length] += bytes;
    this.total += bytes;
  }

  /** Average over the window, or over the meter's life while that is shorter. */
  bytesPerSecond(): number {
    this.advance();
    let sum = 0;
    for (const b of this.buckets) sum += b;
    const elapsedMs = Math.min(this.windowMs, Math.max(this.bucketMs, this.now() - this.startedAt));
    return (sum * 1000) / elapsedMs;
  }

  private advance(): void {
    const bucket = Math.floor((this.now() - this.startedAt) / this.bucketMs);
    if (this.currentBucket < 0) this.currentBucket = bucket;
    const steps = Math.min(bucket - this.currentBucket, this.buckets.length);
    for (let s = 1; s <= steps; s++) this.buckets[(this.currentBucket + s) % this.buckets.length] = 0;
    if (bucket > this.currentBucket) this.currentBucket = bucket;
  }
}
