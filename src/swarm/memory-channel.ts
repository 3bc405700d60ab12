import { ChannelClosedError, type Channel } from './channel.ts';
import { Inbox } from './inbox.ts';

/**
 * Two connected in-memory channels, for tests and tools. Delivery is
 * asynchronous (a microtask per frame) so callers see the same re-entrancy
 * as on a real transport. `bufferedAmount` counts frames not yet delivered.
 */
export function memoryChannelPair(opts: { lowWaterMark?: number } = {}): [Channel, Channel] {
  const a = new MemoryChannel(opts.lowWaterMark ?? 64 * 1024);
  const b = new MemoryChannel(opts.lowWaterMark ?? 64 * 1024);
  a.remote = b;
  b.remote = a;
  return [a, b];
}

class MemoryChannel implements Channel {
  onDrain: (() => void) | null = null;
  private readonly inbox = new Inbox();
  onClose: ((error?: Error) => void) | null = null;
  remote: MemoryChannel | null = null;
  bufferedAmount = 0;
  closed = false;
  private wasAboveLowWater = false;

  constructor(readonly lowWaterMark: number) {}

  send(frame: Uint8Array): void {
    if (this.closed) throw new ChannelClosedError();
    const copy = frame.slice();
    this.bufferedAmount += copy.byteLength;
    if (this.bufferedAmount > this.lowWaterMark) this.wasAboveLowWater = true;
    queueMicrotask(() => {
      if (this.closed) return;
      this.bufferedAmount -= copy.byteLength;
      this.remote?.deliver(copy);
      if (this.wasAboveLowWater && this.bufferedAmount <= this.lowWaterMark) {
        this.wasAboveLowWater = false;
        this.onDrain?.();
      }
    });
  }

  get onMessage(): ((frame: Uint8Array) => void) | null {
    return this.inbox.onMessage;
  }

  set onMessage(listener: ((frame: Uint8Array) => void) | null) {
    this.inbox.onMessage = listener;
  }

  private deliver(frame: Uint8Array): void {
    if (!this.closed) this.inbox.deliver(frame);
  }

  close(): void {
    this.shutdown();
    const remote = this.remote;
    if (remote) queueMicrotask(() => remote.shutdown());
  }

  private shutdown(): void {
    if (this.closed) return;
    this.closed = true;
    this.bufferedAmount = 0;
    this.inbox.clear();
    this.onClose?.();
  }
}
