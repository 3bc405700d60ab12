import { describe, expect, it } from 'vitest';
import { EtaEstimator, secondsLeft } from '../../src/swarm/eta.ts';

const MiB = 1024 * 1024;

describe('secondsLeft', () => {
  it('divides what is left by the rate', () => {
    expect(secondsLeft(120 * MiB, 1 * MiB)).toBe(120);
  });

  it.each([
    ['nothing left', 0, MiB],
    ['stalled', 10 * MiB, 0],
    ['a trickle too slow to estimate', 10 * MiB, 100],
    ['more than a week away', 1024 * MiB, 1024],
    ['a NaN rate', MiB, Number.NaN],
    ['a negative remainder', -5, MiB],
  ])('is unknown when %s', (_why, remaining, rate) => {
    expect(secondsLeft(remaining, rate)).toBeNull();
  });
});

describe('EtaEstimator', () => {
  it('is unknown before any data has arrived', () => {
    const eta = new EtaEstimator();
    expect(eta.estimate(MiB)).toBeNull();
    expect(eta.update(0, 0, MiB)).toBeNull();
  });

  it('settles on a steady rate', () => {
    const eta = new EtaEstimator(5_000);
    let seconds: number | null = null;
    for (let t = 0; t <= 60_000; t += 1_000) seconds = eta.update(t, 2 * MiB, 100 * MiB);
    expect(seconds).toBeCloseTo(50, 5);
  });

  it('smooths a one-second burst instead of jumping to it', () => {
    const eta = new EtaEstimator(5_000);
    for (let t = 0; t <= 30_000; t += 1_000) eta.update(t, MiB, 60 * MiB);
    const afterBurst = eta.update(31_000, 10 * MiB, 60 * MiB)!;
    // The raw burst says 6 s; one second of a 5 s half-life moves the rate only 13% of the way there.
    const weight = 1 - 2 ** (-1 / 5);
    expect(afterBurst).toBeCloseTo(60 / (1 + 9 * weight), 6);
    expect(afterBurst).toBeGreaterThan(20);
  });

  it('weighs a sample by the time since the last one (half-life)', () => {
    const eta = new EtaEstimator(5_000);
    eta.update(0, 1_000, 1e6);
    // After exactly one half-life the smoothed rate is halfway to the new one.
    expect(eta.update(5_000, 3_000, 2e6)).toBeCloseTo(1_000, 6);
  });

  it('goes unknown when the download stalls for long', () => {
    const eta = new EtaEstimator(5_000);
    for (let t = 0; t <= 10_000; t += 1_000) eta.update(t, MiB, 10 * MiB);
    let seconds: number | null = 0;
    for (let t = 11_000; t <= 120_000; t += 1_000) seconds = eta.update(t, 0, 10 * MiB);
    expect(seconds).toBeNull();
  });
});
