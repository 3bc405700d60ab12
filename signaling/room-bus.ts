import type { PeerId, RoomId } from '../src/swarm/signaling-protocol.ts';
import type { SignalData } from '../src/swarm/transport.ts';

/**
 * Room membership and fan-out shared by every server instance. The server
 * keeps only its own sockets; who else is in a room, and getting an event to
 * the instance that holds a peer, is the bus's job. Events reach every
 * instance with members in the room, the publishing one included, so a
 * single instance and a cluster run the same code path.
 */
export type BusEvent =
  | { type: 'joined'; room: RoomId; peerId: PeerId }
  | { type: 'left'; room: RoomId; peerId: PeerId }
  /** `sentAtMs` is wall-clock (epoch) time, for the relay latency histogram. */
  | { type: 'signal'; room: RoomId; from: PeerId; to: PeerId; data: SignalData; sentAtMs: number };

export interface RoomBus {
  /** Records `peerId` as a member held by this instance; false if a live holder already has it. */
  claim(room: RoomId, peerId: PeerId): Promise<boolean>;
  release(room: RoomId, peerId: PeerId): Promise<void>;
  /** Up to `count` members of `room`, a random subset when there are more. */
  sample(room: RoomId, count: number): Promise<PeerId[]>;
  has(room: RoomId, peerId: PeerId): Promise<boolean>;
  publish(event: BusEvent): Promise<void>;
  /** Releases everything this instance holds; idempotent. */
  close(): Promise<void>;
}

export type BusHandler = (event: BusEvent) => void;

/** Up to `count` items in random order (a partial Fisher-Yates shuffle). */
export function sample<T>(items: T[], count: number, random: () => number): T[] {
  if (items.length <= count) return items;
  const pool = [...items];
  for (let i = 0; i < count; i++) {
    const j = i + Math.floor(random() * (pool.length - i));
    [pool[i], pool[j]] = [pool[j] as T, pool[i] as T];
  }
  return pool.slice(0, count);
}

/** The single-process bus: membership in a map, events delivered synchronously. */
export class LocalRoomBus implements RoomBus {
  private readonly rooms = new Map<RoomId, Set<PeerId>>();

  constructor(
    private readonly deliver: BusHandler,
    private readonly random: () => number,
  ) {}

  async claim(room: RoomId, peerId: PeerId): Promise<boolean> {
    let members = this.rooms.get(room);
    if (members?.has(peerId)) return false;
    if (!members) this.rooms.set(room, (members = new Set()));
    members.add(peerId);
    return true;
  }

  async release(room: RoomId, peerId: PeerId): Promise<void> {
    const members = this.rooms.get(room);
    if (!members?.delete(peerId)) return;
    if (members.size === 0) this.rooms.delete(room);
  }

  async sample(room: RoomId, count: number): Promise<PeerId[]> {
    return sample([...(this.rooms.get(room) ?? [])], count, this.random);
  }

  async has(room: RoomId, peerId: PeerId): Promise<boolean> {
    return this.rooms.get(room)?.has(peerId) ?? false;
  }

  async publish(event: BusEvent): Promise<void> {
    this.deliver(event);
  }

  async close(): Promise<void> {
    this.rooms.clear();
  }
}
