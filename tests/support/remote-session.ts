import { Bitfield } from '../../src/chunks/bitfield.ts';
import { memoryChannelPair } from '../../src/swarm/memory-channel.ts';
import { PeerSession, type SessionEvents } from '../../src/swarm/peer-session.ts';
import type { PieceIndex } from '../../src/swarm/picker.ts';
import { PROTOCOL_VERSION, encodeMessage } from '../../src/swarm/wire.ts';

const SWARM = new Uint8Array(32).fill(7);
const quiet = new Proxy({}, { get: () => () => undefined }) as SessionEvents;

/**
 * A real, open session to a remote played by hand: it has handshaked as peer
 * `id` (a byte), announced `held` (or every piece), and said it is interested in our pieces.
 */
export async function remoteSession(id: number, pieceCount: number, held: PieceIndex[] | 'all'): Promise<PeerSession> {
  const [local, remote] = memoryChannelPair();
  remote.onMessage = () => undefined;
  const session = new PeerSession(local, {
    swarmId: SWARM,
    localPeerId: new Uint8Array(16).fill(0),
    events: quiet,
    readBlock: async () => null,
    isValidRequest: () => true,
    now: () => 0,
  });
  session.setPieceCount(pieceCount);
  remote.send(encodeMessage({ type: 'handshake', version: PROTOCOL_VERSION, swarmId: SWARM, peerId: new Uint8Array(16).fill(id) }));
  if (held === 'all') {
    remote.send(encodeMessage({ type: 'have-all' }));
  } else {
    const bits = new Bitfield(pieceCount);
    for (const i of held) bits.set(i);
    remote.send(encodeMessage({ type: 'bitfield', bits: bits.toBytes() }));
  }
  remote.send(encodeMessage({ type: 'interested' }));
  await new Promise((resolve) => setTimeout(resolve, 0));
  return session;
}
