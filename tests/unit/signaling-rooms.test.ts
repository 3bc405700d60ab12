import { describe, expect, it } from 'vitest';
import { RoomEvents, type RoomListener } from '../../src/signaling-rooms.ts';

function recorder(): RoomListener & { log: string[] } {
  const log: string[] = [];
  return {
    log,
    roomJoined: (peers) => log.push(`joined ${peers.join(',')}`),
    roomLost: () => log.push('lost'),
    peerJoined: (peer) => log.push(`+${peer}`),
    peerLeft: (peer) => log.push(`-${peer}`),
    signalReceived: (from, data) => log.push(`signal ${from} ${String(data.type)}`),
  };
}

describe('RoomEvents', () => {
  it('holds what the server says before the transfer exists, and hands it over in order', () => {
    const room = new RoomEvents();
    room.roomJoined(['a', 'b']);
    room.signalReceived('a', { type: 'offer' });
    room.peerJoined('c');
    room.peerLeft('b');
    room.roomLost();
    room.roomJoined(['a', 'c']);
    const transfer = recorder();
    room.attach(transfer);
    expect(transfer.log).toEqual(['joined a,b', 'signal a offer', '+c', '-b', 'lost', 'joined a,c']);
  });

  it('passes events straight on once attached, and replays nothing twice', () => {
    const room = new RoomEvents();
    room.peerJoined('a');
    const transfer = recorder();
    room.attach(transfer);
    room.signalReceived('a', { type: 'candidate' });
    expect(transfer.log).toEqual(['+a', 'signal a candidate']);
  });
});
