/** WebRTC steps the bench pages share. */

/** The local description once ICE gathering is complete (host candidates only, so this is quick). */
export async function gatheredSdp(peer: RTCPeerConnection): Promise<string> {
  if (peer.iceGatheringState !== 'complete') {
    await new Promise<void>((resolve) => {
      const check = (): void => {
        if (peer.iceGatheringState !== 'complete') return;
        peer.removeEventListener('icegatheringstatechange', check);
        resolve();
      };
      peer.addEventListener('icegatheringstatechange', check);
    });
  }
  return peer.localDescription!.sdp;
}

export function opened(dc: RTCDataChannel): Promise<RTCDataChannel> {
  dc.binaryType = 'arraybuffer';
  if (dc.readyState === 'open') return Promise.resolve(dc);
  return new Promise((resolve, reject) => {
    dc.onopen = () => resolve(dc);
    dc.onerror = () => reject(new Error('data channel failed to open'));
  });
}
