import { describe, expect, it } from 'vitest';
import { ChannelClosedError, type Channel } from '../../src/swarm/channel.ts';

/**
 * The behaviour every Channel implementation (memory, WebRTC, simulated link)
 * must share. `makePair` returns two connected, open channels.
 */
export function runChannelContract(
  name: string,
  makePair: () => Promise<[Channel, Channel]>,
  opts: { noticesRemoteClose?: boolean; tracksBufferedAmount?: boolean } = {},
): void {
  const noticesRemoteClose = opts.noticesRemoteClose ?? true;
  const tracksBufferedAmount = opts.tracksBufferedAmount ?? true;
  describe(`Channel contract: ${name}`, () => {
    it('delivers frames whole and in order, both ways', async () => {
      const [a, b] = await makePair();
      const atB = collect(b, 50);
      const atA = collect(a, 1);
      for (let i = 0; i < 50; i++) a.send(frameOf(i, 1 + ((i * 977) % 4000)));
      b.send(frameOf(99, 10));
      const frames = await atB;
      expect(frames.map((f) => f[0])).toEqual([...Array(50).keys()]);
      frames.forEach((f, i) => expect(f.byteLength).toBe(1 + ((i * 977) % 4000)));
      expect((await atA)[0][0]).toBe(99);
      a.close();
    });

    it('keeps frames that arrive before a listener is set (a session attaches after open)', async () => {
      const [a, b] = await makePair();
      a.send(frameOf(1, 100));
      a.send(frameOf(2, 100));
      await new Promise((resolve) => setTimeout(resolve, 50));
      const got = collect(b, 2);
      expect((await got).map((f) => f[0])).toEqual([1, 2]);
      a.close();
    });

    it('copies a frame as it is sent: the sender may reuse the buffer at once', async () => {
      const [a, b] = await makePair();
      const got = collect(b, 2);
      const scratch = new Uint8Array(1000).fill(1);
      a.send(scratch);
      scratch.fill(2);
      a.send(scratch);
      scratch.fill(3);
      const [first, second] = await got;
      expect(first.every((byte) => byte === 1)).toBe(true);
      expect(second.every((byte) => byte === 2)).toBe(true);
      a.close();
    });

    it('carries a 256 KiB frame intact', async () => {
      const [a, b] = await makePair();
      const big = frameOf(7, 256 * 1024);
      const got = collect(b, 1);
      a.send(big);
      expect(Buffer.from((await got)[0]).equals(Buffer.from(big))).toBe(true);
      a.close();
    });

    it.runIf(tracksBufferedAmount)('reports buffered bytes and drains', async () => {
      const [a, b] = await makePair();
      let received = 0;
      b.onMessage = () => received++;
      const drained = new Promise<void>((resolve) => (a.onDrain = resolve));
      // Fill past the low-water mark (a fast transport may already be sending while we queue).
      let sent = 0;
      while (a.bufferedAmount <= a.lowWaterMark && sent < 128) a.send(frameOf(sent++, 64 * 1024));
      expect(a.bufferedAmount).toBeGreaterThan(a.lowWaterMark);
      await drained;
      expect(a.bufferedAmount).toBeLessThanOrEqual(a.lowWaterMark);
      await until(() => received === sent);
      a.close();
    });

    it('closes once, and refuses sends after close', async () => {
      const [a, b] = await makePair();
      let aClosed = 0;
      a.onClose = () => aClosed++;
      a.close();
      a.close();
      expect(aClosed).toBe(1);
      expect(a.closed).toBe(true);
      expect(() => a.send(new Uint8Array(1))).toThrow(ChannelClosedError);
      b.close();
    });

    it.runIf(noticesRemoteClose)('tells the other end, once, when one end closes', async () => {
      const [a, b] = await makePair();
      let bClosed = 0;
      const bDone = new Promise<void>((resolve) => (b.onClose = () => (bClosed++, resolve())));
      a.close();
      await bDone;
      expect(bClosed).toBe(1);
      expect(b.closed).toBe(true);
      expect(() => b.send(new Uint8Array(1))).toThrow(ChannelClosedError);
    });
  });
}

function frameOf(tag: number, length: number): Uint8Array {
  const frame = new Uint8Array(length);
  for (let i = 0; i < length; i++) frame[i] = (tag + i) & 0xff;
  frame[0] = tag;
  return frame;
}

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
}

function collect(channel: Channel, count: number): Promise<Uint8Array[]> {
  return new Promise((resolve) => {
    const frames: Uint8Array[] = [];
    channel.onMessage = (frame) => {
      frames.push(frame.slice());
      if (frames.length === count) resolve(frames);
    };
  });
}
