import { describe, expect, it } from 'vitest';
import { roughDuration, shortPeerId } from '../../src/ui/format.ts';
import { etaText } from '../../src/ui/messages.ts';

describe('roughDuration', () => {
  it.each([
    [0, { unit: 'few-seconds' }],
    [9.9, { unit: 'few-seconds' }],
    [12, { unit: 'seconds', seconds: 10 }],
    [44, { unit: 'seconds', seconds: 40 }],
    [56, { unit: 'minutes', minutes: 1 }],
    [119, { unit: 'minutes', minutes: 2 }],
    [59 * 60, { unit: 'minutes', minutes: 59 }],
    [59.6 * 60, { unit: 'hours', hours: 1, minutes: 0 }],
    [75 * 60 + 100, { unit: 'hours', hours: 1, minutes: 15 }],
    [10.4 * 3600, { unit: 'hours', hours: 10, minutes: 0 }],
  ])('%d s → %j', (seconds, rough) => {
    expect(roughDuration(seconds)).toEqual(rough);
  });

  it.each([-1, Number.NaN, Number.POSITIVE_INFINITY])('has nothing to say about %d', (seconds) => {
    expect(roughDuration(seconds)).toBeNull();
  });
});

describe('etaText', () => {
  it.each([
    [null, null],
    [3, 'a few seconds'],
    [42, 'about 40 s'],
    [125, 'about 2 min'],
    [3 * 3600, 'about 3 h'],
    [3 * 3600 + 20 * 60, 'about 3 h 20 min'],
  ])('%s s reads "%s"', (seconds, text) => {
    expect(etaText(seconds)).toBe(text);
  });
});

describe('shortPeerId', () => {
  it('keeps the first eight characters', () => {
    expect(shortPeerId('0123456789abcdef0123456789abcdef')).toBe('01234567');
  });
});
