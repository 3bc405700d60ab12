import { Bitfield } from '../../src/chunks/bitfield.ts';
import { memoryChannelPair } from '../../src/swarm/memory-channel.ts';
import { PeerSession, type SessionEvents, type SessionOptions } from '../../src/swarm/peer-session.ts';
import type { PieceIndex } from '../../src/swarm/picker.ts';
import { PROTOCOL_VERSION, decodeMessage, encodeMessage, type WireMessage } from '../../src/swarm/wire.ts';

const SWARM = new Uint8Array(32).fill(7);
const quiet = new Proxy({}, { get: () => () => undefined }) as SessionEvents;

/** A session to a remote played by hand, and the remote's end: what it sent us and what it received. */
export interface RemotePeer {
  session: PeerSession;
  send(message: WireMessage): void;
  received: WireMessage[];
}

/**
 * A real, open session to a remote played by hand: it has handshaked as peer
 * `id` (a byte), announced `held` (or every piece), and said it is interested
 * in our pieces. `options` override the session's (e.g. `mayUpload`).
 */
export async function remotePeer(
  id: number,
  pieceCount: number,
  held: PieceIndex[] | 'all',
  options: Partial<SessionOptions> = {},
): Promise<RemotePeer> {
  const [local, remote] = memoryChannelPair();
  const received: WireMessage[] = [];
  remote.onMessage = (frame) => received.push(decodeMessage(frame, { pieceCount }));
  const session = new PeerSession(local, {
    swarmId: SWARM,
    localPeerId: new Uint8Array(16).fill(0),
    events: quiet,
    readBlock: async () => null,
    isValidRequest: () => true,
    now: () => 0,
    ...options,
  });
  session.setPieceCount(pieceCount);
  const send = (message: WireMessage) => remote.send(encodeMessage(message));
  send({ type: 'handshake', version: PROTOCOL_VERSION, swarmId: SWARM, peerId: new Uint8Array(16).fill(id) });
  if (held === 'all') {
    send({ type: 'have-all' });
  } else {
    const bits = new Bitfield(pieceCount);
    for (const i of held) bits.set(i);
    send({ type: 'bitfield', bits: bits.toBytes() });
  }
  send({ type: 'interested' });
  await settle();
  return { session, send, received };
}

export async function remoteSession(id: number, pieceCount: number, held: PieceIndex[] | 'all'): Promise<PeerSession> {
  return (await remotePeer(id, pieceCount, held)).session;
}

/** Lets in-memory frames already sent arrive. */
export function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}
