import { randomUUID } from 'node:crypto';
import { createClient } from 'redis';
import { isPeerId, isRoomId, type PeerId, type RoomId } from '../src/swarm/signaling-protocol.ts';
import type { SignalData } from '../src/swarm/transport.ts';
import type { Log } from './log.ts';
import type { BusEvent, BusHandler, RoomBus } from './room-bus.ts';

/**
 * Rooms shared by several server instances through Redis.
 *
 * - `shoal:room:<room>` is a hash: peer id → id of the instance holding its socket.
 * - `shoal:live:<instance>` exists while that instance runs (refreshed, with a TTL),
 *   so entries left by a crashed instance are recognised as stale and taken over.
 * - Events go over the pub/sub channel `shoal:events:<room>`, which an instance
 *   subscribes to while it holds at least one member of the room.
 */
export interface RedisRoomBusOptions {
  url: string;
  deliver: BusHandler;
  log: Log;
  /** How long an instance counts as alive after its last refresh. */
  livenessTtlMs: number;
}

// A non-generic wrapper pins createClient's type parameters, so the client type can be named.
// Without the offline queue a command fails at once while Redis is unreachable, so a join is
// answered `unavailable` (and the client retries) instead of hanging until Redis returns.
const newClient = (url: string) => createClient({ url, disableOfflineQueue: true });
type Client = ReturnType<typeof newClient>;

const roomKey = (room: RoomId) => `shoal:room:${room}`;
const channel = (room: RoomId) => `shoal:events:${room}`;
const liveKey = (instance: string) => `shoal:live:${instance}`;

export class RedisRoomBus implements RoomBus {
  readonly instance = randomUUID();
  /** Members this instance holds, per room: what to subscribe to and what to release on close. */
  private readonly held = new Map<RoomId, Set<PeerId>>();
  private refresher: ReturnType<typeof setInterval> | null = null;
  private closing: Promise<void> | null = null;

  private constructor(
    private readonly opts: RedisRoomBusOptions,
    private readonly cmd: Client,
    private readonly sub: Client,
  ) {}

  static async connect(opts: RedisRoomBusOptions): Promise<RedisRoomBus> {
    const cmd = newClient(opts.url);
    const logError = (error: Error) => opts.log({ level: 'error', msg: 'redis error', error: error.message });
    cmd.on('error', logError);
    await cmd.connect();
    // A subscribed connection can run no other commands, hence a second client.
    const sub = newClient(opts.url);
    sub.on('error', logError);
    await sub.connect();
    const bus = new RedisRoomBus(opts, cmd, sub);
    await bus.refresh();
    // A Redis that restarted empty has forgotten this instance's members; claim them again.
    cmd.on('ready', () => {
      bus.reclaim().catch(logError);
    });
    bus.refresher = setInterval(() => {
      bus.refresh().catch(logError);
    }, Math.max(50, Math.floor(opts.livenessTtlMs / 3)));
    return bus;
  }

  async claim(room: RoomId, peerId: PeerId): Promise<boolean> {
    if (!(await this.cmd.hSetNX(roomKey(room), peerId, this.instance))) {
      const owner = await this.cmd.hGet(roomKey(room), peerId);
      if (owner !== null && (owner === this.instance || (await this.isAlive(owner)))) return false;
      await this.cmd.hSet(roomKey(room), peerId, this.instance);
    }
    let members = this.held.get(room);
    if (!members) {
      this.held.set(room, (members = new Set()));
      await this.sub.subscribe(channel(room), (message) => this.receive(message));
    }
    members.add(peerId);
    return true;
  }

  async release(room: RoomId, peerId: PeerId): Promise<void> {
    const members = this.held.get(room);
    if (!members?.delete(peerId)) return;
    if (members.size === 0) {
      this.held.delete(room);
      await this.sub.unsubscribe(channel(room));
    }
    await this.cmd.hDel(roomKey(room), peerId);
  }

  async sample(room: RoomId, count: number): Promise<PeerId[]> {
    const entries = await this.cmd.hRandFieldCountWithValues(roomKey(room), count);
    const peers: PeerId[] = [];
    const alive = new Map<string, boolean>();
    for (const { field, value } of entries) {
      const owner = String(value);
      if (!alive.has(owner)) alive.set(owner, owner === this.instance || (await this.isAlive(owner)));
      if (alive.get(owner)) peers.push(String(field));
      // A crashed instance's members would otherwise be listed forever.
      else await this.cmd.hDel(roomKey(room), String(field));
    }
    return peers;
  }

  async has(room: RoomId, peerId: PeerId): Promise<boolean> {
    const owner = await this.cmd.hGet(roomKey(room), peerId);
    return owner !== null && (owner === this.instance || (await this.isAlive(owner)));
  }

  async publish(event: BusEvent): Promise<void> {
    await this.cmd.publish(channel(event.room), JSON.stringify(event));
  }

  close(): Promise<void> {
    return (this.closing ??= this.shutDown());
  }

  private async shutDown(): Promise<void> {
    if (this.refresher) clearInterval(this.refresher);
    for (const [room, members] of this.held) {
      for (const peerId of members) {
        await this.cmd.hDel(roomKey(room), peerId);
        await this.publish({ type: 'left', room, peerId });
      }
    }
    this.held.clear();
    await this.cmd.del(liveKey(this.instance));
    await this.sub.close();
    await this.cmd.close();
  }

  private async refresh(): Promise<void> {
    await this.cmd.set(liveKey(this.instance), '1', { expiration: { type: 'PX', value: this.opts.livenessTtlMs } });
  }

  /** Issued in one tick, so Redis has them before any command a client's request causes next. */
  private async reclaim(): Promise<void> {
    const claims = [...this.held].flatMap(([room, members]) =>
      // NX: never take a peer id over from an instance that claimed it while this one was cut off.
      [...members].map((peerId) => this.cmd.hSetNX(roomKey(room), peerId, this.instance)),
    );
    await Promise.all([this.refresh(), ...claims]);
  }

  private async isAlive(instance: string): Promise<boolean> {
    return (await this.cmd.exists(liveKey(instance))) === 1;
  }

  private receive(message: string): void {
    const event = parseBusEvent(message);
    if (event === null) {
      this.opts.log({ level: 'warn', msg: 'dropped a malformed bus event' });
      return;
    }
    this.opts.deliver(event);
  }
}

/** Redis is shared infrastructure, not a trusted peer: check what comes off it. */
function parseBusEvent(text: string): BusEvent | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const e = value as Record<string, unknown>;
  if (!isRoomId(e.room)) return null;
  if ((e.type === 'joined' || e.type === 'left') && isPeerId(e.peerId)) return { type: e.type, room: e.room, peerId: e.peerId };
  if (
    e.type === 'signal' &&
    isPeerId(e.from) &&
    isPeerId(e.to) &&
    typeof e.sentAtMs === 'number' &&
    typeof e.data === 'object' &&
    e.data !== null &&
    !Array.isArray(e.data)
  ) {
    return { type: 'signal', room: e.room, from: e.from, to: e.to, data: e.data as SignalData, sentAtMs: e.sentAtMs };
  }
  return null;
}
