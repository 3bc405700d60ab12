import { describe, expect, it } from 'vitest';
import { nextUpload, uploadBufferLimit } from '../../src/swarm/upload-queue.ts';
import { BLOCK_BYTES } from '../../src/swarm/wire.ts';

const MiB = 1024 * 1024;
const block = (index: number, begin = 0) => ({ index, begin, length: BLOCK_BYTES });

describe('uploadBufferLimit', () => {
  it('keeps a slow channel to 16 KiB beyond its low-water mark, less than a block', () => {
    expect(uploadBufferLimit(1024, 0)).toBe(1024 + 16 * 1024);
    expect(uploadBufferLimit(1024, 64 * 1024)).toBe(1024 + 16 * 1024);
    expect(uploadBufferLimit(1024, 0)).toBeLessThan(1024 + BLOCK_BYTES);
  });

  it('gives a fast channel megabytes, scaled with its measured rate', () => {
    expect(uploadBufferLimit(MiB, 30 * 1e6)).toBeCloseTo(MiB + 4.5e6);
    expect(uploadBufferLimit(MiB, 30 * 1e6)).toBeGreaterThan(uploadBufferLimit(MiB, 10 * 1e6));
  });

  it('never buffers more than 8 MiB, and always more than the low-water mark so the drain event fires', () => {
    expect(uploadBufferLimit(MiB, 1e9)).toBe(8 * MiB);
    expect(uploadBufferLimit(9 * MiB, 1e9)).toBeGreaterThan(9 * MiB);
  });
});

describe('nextUpload', () => {
  it('sends in arrival order without a priority', () => {
    const queue = [block(3), block(1), block(2)];
    expect(nextUpload(queue).index).toBe(3);
    expect(queue.map((r) => r.index)).toEqual([1, 2]);
  });

  it('sends the lowest priority value first, arrival order among equals', () => {
    const availability = [5, 1, 1, 2];
    const queue = [block(0), block(2, BLOCK_BYTES), block(1), block(2), block(3)];
    const order: ReturnType<typeof block>[] = [];
    while (queue.length > 0) order.push(nextUpload(queue, (i) => availability[i]));
    expect(order).toEqual([block(2, BLOCK_BYTES), block(1), block(2), block(3), block(0)]);
  });
});
