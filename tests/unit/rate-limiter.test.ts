import { describe, expect, it } from 'vitest';
import { RateLimiter } from '../../src/swarm/rate-limiter.ts';

describe('RateLimiter', () => {
  it('allows about the configured rate over time', () => {
    let now = 0;
    const limiter = new RateLimiter(() => now, 100_000);
    let sent = 0;
    for (let step = 0; step < 10_000; step++) {
      now = step; // one millisecond per step: ten seconds in all
      while (limiter.take(1000)) sent += 1000;
    }
    // One second of burst allowance on top of ten seconds at the rate.
    expect(sent).toBeGreaterThanOrEqual(1_000_000);
    expect(sent).toBeLessThanOrEqual(1_100_000 + 1000);
  });

  it('lets a message larger than a second of budget through, then waits off the debt', () => {
    let now = 0;
    const limiter = new RateLimiter(() => now, 1000);
    expect(limiter.take(16_384)).toBe(true);
    expect(limiter.take(1)).toBe(false);
    now = 15_000;
    expect(limiter.take(1)).toBe(false);
    now = 16_500;
    expect(limiter.take(1)).toBe(true);
  });

  it('rejects a limit that is not positive', () => {
    expect(() => new RateLimiter(() => 0, 0)).toThrow(RangeError);
    expect(() => new RateLimiter(() => 0, Number.NaN)).toThrow(RangeError);
  });
});
