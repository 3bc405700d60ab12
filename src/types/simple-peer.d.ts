// The parts of @thaunknown/simple-peer (lite build) that Shoal uses; the package ships no types.
declare module '@thaunknown/simple-peer/lite.js' {
  export interface SimplePeerSignal {
    type?: 'offer' | 'answer' | 'candidate' | 'renegotiate' | 'transceiverRequest' | 'pranswer' | 'rollback';
    sdp?: string;
    candidate?: { candidate: string; sdpMLineIndex?: number | null; sdpMid?: string | null };
  }

  export interface SimplePeerOptions {
    initiator?: boolean;
    config?: RTCConfiguration;
    channelConfig?: RTCDataChannelInit;
    trickle?: boolean;
  }

  export default class Peer {
    constructor(opts: SimplePeerOptions);
    readonly connected: boolean;
    readonly destroyed: boolean;
    readonly bufferSize: number;
    _pc: RTCPeerConnection | null;
    _channel: RTCDataChannel | null;
    signal(data: SimplePeerSignal): void;
    send(chunk: Uint8Array | ArrayBuffer | string): void;
    destroy(error?: Error): void;
    on(event: 'signal', listener: (data: SimplePeerSignal) => void): this;
    on(event: 'connect', listener: () => void): this;
    on(event: 'data', listener: (data: Uint8Array) => void): this;
    on(event: 'close', listener: () => void): this;
    on(event: 'error', listener: (error: Error & { code?: string }) => void): this;
    removeAllListeners(event?: string): this;
  }
}
