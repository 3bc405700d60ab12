import { describe, expect, it } from 'vitest';
import {
  displayText,
  formatBytes,
  formatPercent,
  formatRate,
  progressFraction,
} from '../../src/ui/format.ts';

describe('formatBytes', () => {
  it.each([
    [0, '0 B'],
    [1, '1 B'],
    [1023, '1023 B'],
    [1024, '1.0 KiB'],
    [1536, '1.5 KiB'],
    [1024 * 1024, '1.0 MiB'],
    [5.25 * 1024 * 1024, '5.3 MiB'],
    [3 * 1024 ** 3, '3.0 GiB'],
    [2 * 1024 ** 4, '2.0 TiB'],
    [5000 * 1024 ** 4, '5000.0 TiB'],
  ])('%d bytes → %s', (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text);
  });

  it('moves up a unit when rounding would print 1024.0', () => {
    expect(formatBytes(1024 * 1024 - 1)).toBe('1.0 MiB');
    expect(formatBytes(1024 * 1023.96)).toBe('1.0 MiB');
  });

  it('rounds fractional byte counts below 1 KiB', () => {
    expect(formatBytes(12.6)).toBe('13 B');
  });

  it.each([-1, Number.NaN, Number.POSITIVE_INFINITY])('renders %d as a dash', (bad) => {
    expect(formatBytes(bad)).toBe('—');
  });
});

describe('formatRate', () => {
  it('appends per second', () => {
    expect(formatRate(0)).toBe('0 B/s');
    expect(formatRate(2.5 * 1024 * 1024)).toBe('2.5 MiB/s');
  });

  it('renders invalid rates as a dash', () => {
    expect(formatRate(-5)).toBe('—');
    expect(formatRate(Number.NaN)).toBe('—');
  });
});

describe('progressFraction', () => {
  it('divides and clamps to [0, 1]', () => {
    expect(progressFraction(1, 4)).toBe(0.25);
    expect(progressFraction(8, 4)).toBe(1);
  });

  it('is 0 when the total is unknown or input is invalid', () => {
    expect(progressFraction(0, 0)).toBe(0);
    expect(progressFraction(5, 0)).toBe(0);
    expect(progressFraction(-1, 10)).toBe(0);
    expect(progressFraction(1, Number.NaN)).toBe(0);
  });
});

describe('formatPercent', () => {
  it.each([
    [0, '0%'],
    [0.4237, '42.3%'],
    [0.5, '50%'],
    [1, '100%'],
  ])('%d → %s', (fraction, text) => {
    expect(formatPercent(fraction)).toBe(text);
  });

  it('never shows 100% before completion', () => {
    expect(formatPercent(0.99999)).toBe('99.9%');
  });

  it('clamps out-of-range fractions and dashes non-finite ones', () => {
    expect(formatPercent(-0.2)).toBe('0%');
    expect(formatPercent(1.7)).toBe('100%');
    expect(formatPercent(Number.NaN)).toBe('—');
  });
});

describe('displayText', () => {
  it('leaves ordinary names, including non-Latin ones, alone', () => {
    expect(displayText('holiday/img 01.jpg')).toBe('holiday/img 01.jpg');
    expect(displayText('报告/第一章.pdf')).toBe('报告/第一章.pdf');
  });

  it('replaces bidi overrides that could disguise an extension', () => {
    expect(displayText('invoice\u202Efdp.exe')).toBe('invoice\uFFFDfdp.exe');
    expect(displayText('a\u2066b\u2069')).toBe('a\uFFFDb\uFFFD');
  });

  it('replaces control characters such as newlines and NUL', () => {
    expect(displayText('a\nb\u0000c\u009b')).toBe('a\uFFFDb\uFFFDc\uFFFD');
  });
});
