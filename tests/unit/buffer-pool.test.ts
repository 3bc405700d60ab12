import { describe, expect, it } from 'vitest';
import { BufferPool } from '../../src/swarm/buffer-pool.ts';

describe('BufferPool', () => {
  it('hands out a new zeroed buffer when none of that length was returned', () => {
    const pool = new BufferPool(1024);
    pool.give(new Uint8Array(64).fill(9));
    const buffer = pool.take(128);
    expect(buffer.byteLength).toBe(128);
    expect(buffer.every((b) => b === 0)).toBe(true);
  });

  it('hands a returned buffer out again, once, for the same length', () => {
    const pool = new BufferPool(1024);
    const first = pool.take(256);
    pool.give(first);
    expect(pool.take(256)).toBe(first);
    expect(pool.take(256)).not.toBe(first);
  });

  it('keeps no more than its limit of returned bytes', () => {
    const pool = new BufferPool(512);
    const [a, b, c] = [pool.take(256), pool.take(256), pool.take(256)];
    for (const buffer of [a, b, c]) pool.give(buffer);
    const again = [pool.take(256), pool.take(256), pool.take(256)];
    expect(again.filter((buffer) => [a, b, c].includes(buffer))).toHaveLength(2);
  });
});
