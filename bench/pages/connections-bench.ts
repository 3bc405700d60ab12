import { gatheredSdp, opened } from './rtc.ts';

/**
 * Many idle WebRTC connections in one page, each a pair of
 * RTCPeerConnections with an open data channel, pinging the way Shoal's
 * keepalive does: what one more neighbour costs a browser in memory and CPU,
 * before anything is transferred.
 */

interface Pair {
  a: RTCPeerConnection;
  b: RTCPeerConnection;
  channels: RTCDataChannel[];
}

const pairs: Pair[] = [];
let pinger: ReturnType<typeof setInterval> | null = null;

async function openPair(): Promise<Pair> {
  const a = new RTCPeerConnection({ iceServers: [] });
  const b = new RTCPeerConnection({ iceServers: [] });
  const theirs = new Promise<RTCDataChannel>((resolve) => (b.ondatachannel = (event) => resolve(opened(event.channel))));
  const ours = opened(a.createDataChannel('bench', { ordered: true }));
  await a.setLocalDescription(await a.createOffer());
  await b.setRemoteDescription({ type: 'offer', sdp: await gatheredSdp(a) });
  await b.setLocalDescription(await b.createAnswer());
  await a.setRemoteDescription({ type: 'answer', sdp: await gatheredSdp(b) });
  const channels = await Promise.all([ours, theirs]);
  for (const dc of channels) dc.onmessage = () => undefined;
  return { a, b, channels };
}

const connectionsBench = {
  /** Opens pairs until there are `count`; returns how many are open. */
  async grow(count: number): Promise<number> {
    while (pairs.length < count) pairs.push(await openPair());
    return pairs.length;
  },

  /** Every channel end sends a small message each `everyMs` (Shoal pings an idle neighbour every 4 s). */
  ping(everyMs: number): void {
    if (pinger) clearInterval(pinger);
    const message = new Uint8Array(13);
    pinger = setInterval(() => {
      for (const pair of pairs) for (const dc of pair.channels) if (dc.readyState === 'open') dc.send(message);
    }, everyMs);
  },

  closeAll(): void {
    if (pinger) clearInterval(pinger);
    for (const pair of pairs.splice(0)) {
      pair.a.close();
      pair.b.close();
    }
  },
};

declare global {
  interface Window {
    connectionsBench: typeof connectionsBench;
  }
}
window.connectionsBench = connectionsBench;
