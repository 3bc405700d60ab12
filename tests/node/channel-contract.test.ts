import { afterAll, expect, it } from 'vitest';
import { memoryChannelPair } from '../../src/swarm/memory-channel.ts';
import type { Channel } from '../../src/swarm/channel.ts';
import type { SignalData } from '../../src/swarm/transport.ts';
import { WebRtcTransport } from '../../src/swarm/webrtc-transport.ts';
import { runChannelContract } from '../support/channel-contract.ts';

runChannelContract('memory pair', async () => memoryChannelPair());

// Real WebRTC data channels in Node (simple-peer over node-datachannel), bound to loopback.
const transport = new WebRtcTransport({ peerConnectionConfig: { bindAddress: '127.0.0.1' } });

// node-datachannel (through webrtc-polyfill) never reports the remote end closing a channel
// (sessions still notice through their keepalive timeout), and hands frames to its own native
// queue so `bufferedAmount` stays low however much is queued. Browsers do both; the browser
// tests exercise them.
runChannelContract('WebRTC (node-datachannel)', connectedWebRtcPair, { noticesRemoteClose: false, tracksBufferedAmount: false });

it('a WebRTC channel reports its route from the selected candidate pair: direct from a loopback host', async () => {
  const [a, b] = await connectedWebRtcPair();
  await expect.poll(() => a.connectionInfo?.()?.route, { timeout: 5_000 }).toBe('direct');
  expect(a.connectionInfo?.()?.localCandidate).toBe('host');
  // The far side's checks may arrive before its candidate does: then it is peer-reflexive.
  expect(['host', 'prflx']).toContain(a.connectionInfo?.()?.remoteCandidate);
  a.close();
  b.close();
});

it('a WebRTC connection to a peer that cannot take a whole block in one message fails, saying why', async () => {
  // The far side advertises a 64 KiB limit (as a browser without large-message support would).
  const limitTo64KiB = (d: SignalData): SignalData =>
    'sdp' in d && typeof d.sdp === 'string' ? { ...d, sdp: d.sdp.replace(/a=max-message-size:\d+/, 'a=max-message-size:65536') } : d;
  const attempt = connectPair((d) => d, limitTo64KiB);
  await expect(attempt.a.channel).rejects.toThrow(/at most 65536 bytes; Shoal sends up to 262144/);
  attempt.a.destroy();
  attempt.b.destroy();
});

it('a memory channel has no route to report', () => {
  const [a, b] = memoryChannelPair();
  expect(a.connectionInfo).toBeUndefined();
  a.close();
  b.close();
});

/**
 * libdatachannel now and then refuses a description with "Got a remote candidate without
 * ICE transport" during negotiation (a race inside the native library, not in our channel);
 * negotiation is set-up here, not the behaviour under test, so retry it a couple of times.
 */
async function connectedWebRtcPair(): Promise<[Channel, Channel]> {
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const { a, b } = connectPair((d) => d, (d) => d);
    try {
      return (await Promise.all([a.channel, b.channel])) as [Channel, Channel];
    } catch (error) {
      lastError = error;
      a.destroy();
      b.destroy();
    }
  }
  throw lastError;
}

/** Two ends negotiating through functions that may rewrite what each sends, delivered asynchronously as a signaling server would. */
function connectPair(fromA: (d: SignalData) => SignalData, fromB: (d: SignalData) => SignalData) {
  let toB: (data: SignalData) => void = () => undefined;
  let toA: (data: SignalData) => void = () => undefined;
  const a = transport.connect({ initiator: true, iceServers: [], sendSignal: (d) => toB(fromA(d)) });
  const b = transport.connect({ initiator: false, iceServers: [], sendSignal: (d) => toA(fromB(d)) });
  toB = (d) => setTimeout(() => b.signal(d), 0);
  toA = (d) => setTimeout(() => a.signal(d), 0);
  return { a, b };
}

afterAll(async () => {
  // node-datachannel keeps native threads alive until told to clean up.
  const { cleanup } = await import('node-datachannel');
  cleanup();
});
