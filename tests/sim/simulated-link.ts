import { ChannelClosedError, type Channel } from '../../src/swarm/channel.ts';
import type { EventQueue } from './event-queue.ts';

const SMALL_FRAME_BYTES = 1500;

export interface HostLink {
  uploadBytesPerSecond: number;
  downloadBytesPerSecond: number;
  /** One-way latency added to every frame this host sends. */
  latencyMs: number;
}

/**
 * One simulated machine's network access. Its uplink sends one frame at a
 * time at `uploadBytesPerSecond`, taking turns between its channels the way
 * TCP flows share a link; its downlink accepts one frame at a time at
 * `downloadBytesPerSecond`.
 */
export class SimHost {
  private readonly ring: SimChannel[] = [];
  private sending = false;
  private downlinkFreeAt = 0;
  bytesSent = 0;
  /** Called each time the uplink has finished sending a frame. */
  onSent: ((frame: Uint8Array) => void) | null = null;

  constructor(
    private readonly queue: EventQueue,
    readonly link: HostLink,
  ) {}

  /** Called by a channel that just queued its first frame. */
  wake(channel: SimChannel): void {
    if (!this.ring.includes(channel)) this.ring.push(channel);
    if (!this.sending) this.sendNext();
  }

  forget(channel: SimChannel): void {
    const at = this.ring.indexOf(channel);
    if (at >= 0) this.ring.splice(at, 1);
  }

  /** When a frame of `bytes` reaching us at `arrivesAt` has fully come in. */
  reserveDownlink(arrivesAt: number, bytes: number): number {
    const start = Math.max(arrivesAt, this.downlinkFreeAt);
    this.downlinkFreeAt = start + (bytes * 1000) / this.link.downloadBytesPerSecond;
    return this.downlinkFreeAt;
  }

  private sendNext(): void {
    if (this.ring.length === 0) {
      this.sending = false;
      return;
    }
    // Real links interleave flows packet by packet, so a small control frame never waits behind
    // whole blocks of other flows; frame-level round robin would. Small heads go first.
    const small = this.ring.findIndex((c) => c.outbox[0].byteLength <= SMALL_FRAME_BYTES);
    const [channel] = this.ring.splice(small >= 0 ? small : 0, 1);
    this.sending = true;
    const frame = channel.outbox.shift()!;
    if (channel.outbox.length > 0) this.ring.push(channel);
    this.queue.after((frame.byteLength * 1000) / this.link.uploadBytesPerSecond, () => {
      this.bytesSent += frame.byteLength;
      channel.transmitted(frame);
      this.onSent?.(frame);
      this.sendNext();
    });
  }
}

/**
 * Two channels between two hosts; frames pay the sender's uplink, latency, then the receiver's downlink.
 * The drain signal comes as soon as the channel is nearly empty by default, so the sessions keep
 * their backlog (and its order) in their own queues, as a transport tuned to a slow uplink would.
 */
export function simulatedLinkPair(queue: EventQueue, a: SimHost, b: SimHost, lowWaterMark = 1024): [Channel, Channel] {
  const ca = new SimChannel(queue, a, b, lowWaterMark);
  const cb = new SimChannel(queue, b, a, lowWaterMark);
  ca.remote = cb;
  cb.remote = ca;
  return [ca, cb];
}

class SimChannel implements Channel {
  onDrain: (() => void) | null = null;
  onMessage: ((frame: Uint8Array) => void) | null = null;
  onClose: ((error?: Error) => void) | null = null;
  remote: SimChannel | null = null;
  readonly outbox: Uint8Array[] = [];
  bufferedAmount = 0;
  closed = false;
  private wasAboveLowWater = false;
  /** When the last frame already on its way reaches the remote: a close never overtakes it. */
  private lastArrivalAt = 0;

  constructor(
    private readonly queue: EventQueue,
    private readonly host: SimHost,
    private readonly remoteHost: SimHost,
    readonly lowWaterMark: number,
  ) {}

  send(frame: Uint8Array): void {
    if (this.closed) throw new ChannelClosedError();
    this.outbox.push(frame.slice());
    this.bufferedAmount += frame.byteLength;
    if (this.bufferedAmount > this.lowWaterMark) this.wasAboveLowWater = true;
    this.host.wake(this);
  }

  /** The uplink finished sending `frame`: it travels on to the remote. */
  transmitted(frame: Uint8Array): void {
    if (this.closed) return;
    this.bufferedAmount -= frame.byteLength;
    const arrivesAt = this.remoteHost.reserveDownlink(this.queue.now() + this.host.link.latencyMs, frame.byteLength);
    const remote = this.remote!;
    this.lastArrivalAt = arrivesAt;
    this.queue.at(arrivesAt, () => {
      if (!remote.closed) remote.onMessage?.(frame);
    });
    if (this.wasAboveLowWater && this.bufferedAmount <= this.lowWaterMark) {
      this.wasAboveLowWater = false;
      this.onDrain?.();
    }
  }

  close(): void {
    if (this.closed) return;
    this.shutdown();
    const remote = this.remote!;
    const closeArrivesAt = Math.max(this.queue.now() + this.host.link.latencyMs, this.lastArrivalAt);
    this.queue.at(closeArrivesAt, () => remote.shutdown());
  }

  shutdown(): void {
    if (this.closed) return;
    this.closed = true;
    this.outbox.length = 0;
    this.bufferedAmount = 0;
    this.host.forget(this);
    this.onClose?.();
  }
}
