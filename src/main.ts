import { ShoalRuntime } from './shoal-runtime.ts';
import type { EarlySocket } from './swarm/signaling-client.ts';
import { WebRtcTransport } from './swarm/webrtc-transport.ts';
import { initLocale } from './ui/locale.ts';
import './ui/shoal-app.ts';
import { registerServiceWorker } from './ui/service-worker.ts';

/**
 * Hooks a test harness may set before the app loads (Playwright's
 * addInitScript). Absent in normal use.
 */
interface ShoalTestHooks {
  /** Only ICE candidates on this address are sent or accepted (keeps tests on loopback). */
  onlyCandidateAddress?: string;
  /** Read at every piece-store write: true makes it fail with a real QuotaExceededError. */
  storeFull?: boolean;
  /** Serve corrupted blocks (a poisoning peer). */
  corruptUploads?: boolean;
  /** Serve an altered manifest or envelope (a tampering peer). */
  corruptMetadata?: boolean;
  /** Limit each swarm's download rate (to catch a download midway). */
  downloadBytesPerSecond?: number;
}

declare global {
  interface Window {
    __shoalTestHooks?: ShoalTestHooks;
    __shoal?: ShoalRuntime;
    /** Opened by index.html's first script while this code loaded. */
    __shoalEarlySocket?: EarlySocket;
  }
}

/** What Chromium makes for a connection that brings no certificate. */
const ECDSA_P256: EcKeyGenParams = { name: 'ECDSA', namedCurve: 'P-256' };

const hooks = window.__shoalTestHooks ?? {};
const onlyAddress = hooks.onlyCandidateAddress;

const earlySocket = window.__shoalEarlySocket ?? null;
delete window.__shoalEarlySocket;

const runtime = new ShoalRuntime({
  signalingUrl: signalingUrl(),
  earlySocket,
  linkBase: `${location.origin}${location.pathname}`,
  transport: new WebRtcTransport({
    acceptCandidate: onlyAddress ? (line) => candidateAddress(line) === onlyAddress : undefined,
    // Made while the page boots, so no connection waits for one of its own before it can offer or
    // answer (room joined to peer connected, 64 MiB, four alternating runs: median 137 against 177 ms).
    certificate: globalThis.RTCPeerConnection?.generateCertificate(ECDSA_P256),
  }),
  // Read at each write, so a test can fill and free the store while the page runs.
  simulateStoreFull: () => window.__shoalTestHooks?.storeFull === true,
  corruptUploads: hooks.corruptUploads,
  corruptMetadata: hooks.corruptMetadata,
  downloadBytesPerSecond: hooks.downloadBytesPerSecond,
});
window.__shoal = runtime;

initLocale();
const app = document.createElement('shoal-app');
app.app = runtime;
document.body.append(app);
registerServiceWorker(app, runtime);

/** Same origin by default; a page hosted elsewhere names its server in a meta tag. index.html's first script opens the same URL early. */
function signalingUrl(): string {
  const configured = document.querySelector<HTMLMetaElement>('meta[name="shoal-signaling"]')?.content;
  if (configured) return configured;
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}/signal`;
}

/** The connection address field of an ICE candidate line (RFC 8839 §5.1). */
function candidateAddress(line: string): string | undefined {
  return line.replace(/^a=/, '').split(' ')[4];
}
