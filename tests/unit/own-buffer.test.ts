import { describe, expect, it } from 'vitest';
import { ownBuffer } from '../../src/chunks/own-buffer.ts';

describe('ownBuffer', () => {
  it('returns a view that already owns its whole buffer as it is', () => {
    const bytes = new Uint8Array([1, 2, 3]);
    expect(ownBuffer(bytes)).toBe(bytes);
  });

  it('copies just the bytes of a view into part of a larger buffer', () => {
    const part = new Uint8Array([0, 1, 2, 3, 4]).subarray(1, 4);
    const owned = ownBuffer(part);
    expect(owned).not.toBe(part);
    expect([...owned]).toEqual([1, 2, 3]);
    expect(owned.buffer.byteLength).toBe(3);
  });
});
