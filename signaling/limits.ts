/**
 * Every limit the signaling server enforces, in one object. Each has a
 * documented default (docs/self-hosting.md) and a flag/env name derived from
 * its key (see config.ts); hitting one sends the client the error `code`
 * named next to it.
 */
export interface Limits {
  /** Largest WebSocket frame; bigger ones close the socket with 1009. */
  maxMessageBytes: number;
  /** `too-many-rooms` */
  maxRoomsPerSocket: number;
  /** Peers listed in `peers`; a bigger room yields a random subset (no error). */
  maxPeersListed: number;
  /** `too-many-sockets`, then close 1008. */
  maxSocketsPerIp: number;
  /** `rate-limited`: token buckets per socket and per IP, for all messages and for joins. */
  socketMessagesPerSecond: number;
  socketMessagesBurst: number;
  socketJoinsPerSecond: number;
  socketJoinsBurst: number;
  ipMessagesPerSecond: number;
  ipMessagesBurst: number;
  ipJoinsPerSecond: number;
  ipJoinsBurst: number;
  /** A socket that answers no ping for this long is terminated. */
  idleTimeoutMs: number;
  /** A socket whose unsent backlog passes this is not reading; it is cut off. */
  maxBufferedBytes: number;
  /** On shutdown, sockets still open after this are terminated. */
  shutdownGraceMs: number;
}

export const DEFAULT_LIMITS: Readonly<Limits> = {
  maxMessageBytes: 64 * 1024,
  maxRoomsPerSocket: 32,
  maxPeersListed: 50,
  maxSocketsPerIp: 32,
  socketMessagesPerSecond: 50,
  socketMessagesBurst: 200,
  socketJoinsPerSecond: 2,
  socketJoinsBurst: 40,
  ipMessagesPerSecond: 200,
  ipMessagesBurst: 1000,
  ipJoinsPerSecond: 10,
  ipJoinsBurst: 200,
  idleTimeoutMs: 30_000,
  maxBufferedBytes: 1024 * 1024,
  shutdownGraceMs: 5_000,
};

/** A token bucket on an injected clock: `burst` tokens, refilled at `perSecond`. */
export class TokenBucket {
  private tokens: number;
  private atMs: number;

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
    nowMs: number,
  ) {
    this.tokens = burst;
    this.atMs = nowMs;
  }

  take(nowMs: number): boolean {
    this.refill(nowMs);
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** True once the bucket has refilled completely, i.e. forgetting it loses nothing. */
  isFull(nowMs: number): boolean {
    this.refill(nowMs);
    return this.tokens >= this.burst;
  }

  private refill(nowMs: number): void {
    this.tokens = Math.min(this.burst, this.tokens + (Math.max(0, nowMs - this.atMs) / 1000) * this.perSecond);
    this.atMs = nowMs;
  }
}
