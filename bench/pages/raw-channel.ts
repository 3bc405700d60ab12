import { gatheredSdp, opened } from './rtc.ts';

/**
 * A plain RTCDataChannel between two pages, with the backpressure Shoal is
 * meant to use (high-water mark 8 MiB, wait for `bufferedamountlow` at
 * 1 MiB): the physical limit the Shoal numbers are divided by. SDP goes
 * through the Node driver; one page offers and sends, the other receives.
 */

const HIGH_WATER_BYTES = 8 * 1024 * 1024;
const LOW_WATER_BYTES = 1024 * 1024;

let pc: RTCPeerConnection | null = null;
let channel: RTCDataChannel | null = null;
let expected = 0;
let received = 0;
let onReceived: (() => void) | null = null;
let arrival: Promise<void> = Promise.resolve();

function connection(): RTCPeerConnection {
  pc ??= new RTCPeerConnection({ iceServers: [] });
  return pc;
}

function drained(dc: RTCDataChannel): Promise<void> {
  return new Promise((resolve, reject) => {
    const finish = (error?: Error): void => {
      dc.removeEventListener('bufferedamountlow', onLow);
      dc.removeEventListener('close', onClose);
      if (error) reject(error);
      else resolve();
    };
    const onLow = (): void => finish();
    const onClose = (): void => finish(new Error('data channel closed while sending'));
    dc.addEventListener('bufferedamountlow', onLow);
    dc.addEventListener('close', onClose);
  });
}

const rawBench = {
  async offer(): Promise<string> {
    const peer = connection();
    const dc = peer.createDataChannel('bench', { ordered: true });
    dc.bufferedAmountLowThreshold = LOW_WATER_BYTES;
    const ready = opened(dc).then((open) => (channel = open));
    ready.catch(() => undefined);
    await peer.setLocalDescription(await peer.createOffer());
    return gatheredSdp(peer);
  },

  async answer(offerSdp: string): Promise<string> {
    const peer = connection();
    peer.ondatachannel = (event) => {
      void opened(event.channel).then((dc) => {
        channel = dc;
        dc.onmessage = (message: MessageEvent<ArrayBuffer>) => {
          received += message.data.byteLength;
          if (received >= expected) onReceived?.();
        };
      });
    };
    await peer.setRemoteDescription({ type: 'offer', sdp: offerSdp });
    await peer.setLocalDescription(await peer.createAnswer());
    return gatheredSdp(peer);
  },

  async accept(answerSdp: string): Promise<void> {
    await connection().setRemoteDescription({ type: 'answer', sdp: answerSdp });
  },

  /** Resolves once this side's channel is open. */
  async open(timeoutMs: number): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    while (!channel) {
      if (performance.now() > deadline) throw new Error(`data channel not open after ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 20));
    }
  },

  /** Receiver: the next `bytes` bytes make up one run (`arrived` tells when they are in). */
  expect(bytes: number): void {
    expected = bytes;
    received = 0;
    arrival = new Promise((resolve) => (onReceived = resolve));
  },

  arrived(): Promise<void> {
    return arrival;
  },

  /** Sender: `totalBytes` in messages of `messageBytes` (the same random buffer each time). */
  async send(messageBytes: number, totalBytes: number): Promise<void> {
    const dc = channel;
    if (!dc) throw new Error('data channel is not open');
    const message = new Uint8Array(messageBytes);
    for (let i = 0; i < messageBytes; i += 65536) crypto.getRandomValues(message.subarray(i, i + 65536));
    for (let sent = 0; sent < totalBytes; sent += messageBytes) {
      if (dc.bufferedAmount > HIGH_WATER_BYTES) await drained(dc);
      dc.send(message);
    }
  },

  /** "local -> remote" addresses of the selected candidate pair, to prove the bytes stayed on loopback. */
  async selectedPair(): Promise<string> {
    const stats = await connection().getStats();
    const byId = new Map<string, Record<string, unknown>>();
    stats.forEach((s: Record<string, unknown>) => byId.set(s.id as string, s));
    for (const s of byId.values()) {
      if (s.type !== 'transport' || !s.selectedCandidatePairId) continue;
      const pair = byId.get(s.selectedCandidatePairId as string)!;
      const local = byId.get(pair.localCandidateId as string)!;
      const remote = byId.get(pair.remoteCandidateId as string)!;
      return `${String(local.address)} -> ${String(remote.address)}`;
    }
    return 'none';
  },

  close(): void {
    pc?.close();
  },
};

declare global {
  interface Window {
    rawBench: typeof rawBench;
  }
}
window.rawBench = rawBench;
