import type { Peer } from './peers.ts';

/**
 * Milliseconds from the start of the navigation to the link (the page's clock)
 * until each step; flat, so each is a metric of its own in the report.
 */
export interface FirstPieceTimeline {
  /** The document arrived (navigation `responseEnd`). */
  stepDocumentMs: number;
  /** `window.__shoal` exists (the app's scripts ran). */
  stepAppMs: number;
  /** The transfer left 'connecting' (the signaling socket is open and the room joined). */
  stepInRoomMs: number;
  /** A peer is connected (its data channel is open). */
  stepPeerMs: number;
  /** The manifest is known ('downloading'). */
  stepManifestMs: number;
  stepFirstPieceMs: number;
}

/** How often the page is checked for the app's runtime, until it exists (a property read). */
const APP_POLL_MS = 2;

/**
 * Records, inside the leecher page, when each step towards the first
 * verified piece happened; so a slow first piece can be pinned on page load,
 * signaling, WebRTC setup, the manifest, or the piece itself. Once the
 * runtime exists, the steps are read from its snapshot whenever it reports a
 * change, so each is timed as it happens. (Polling the snapshot every 10 ms
 * instead took 13 of the 220 ms between manifest and first piece in a
 * profile of the leecher's main thread.) `firstPieceReached` waits for the
 * last step. Installed right after the navigation commits; the steps it times
 * all come later.
 */
export async function watchFirstPiece(peer: Peer, swarmId: string): Promise<void> {
  await peer.page.evaluate(`(() => {
    const id = ${JSON.stringify(swarmId)};
    const t = window.__firstPiece = {};
    const mark = (name) => { if (t[name] === undefined) t[name] = performance.now(); };
    const follow = (shoal) => {
      mark('stepAppMs');
      const check = () => {
        const s = shoal.snapshot(id);
        if (!s) return;
        if (s.phase !== 'connecting') mark('stepInRoomMs');
        if (s.peerCount > 0) mark('stepPeerMs');
        if (s.pieceCount > 0) mark('stepManifestMs');
        if (s.piecesVerified > 0) {
          mark('stepFirstPieceMs');
          unsubscribe();
        }
      };
      const unsubscribe = shoal.subscribe(check);
      check();
    };
    if (window.__shoal) follow(window.__shoal);
    else {
      const poll = setInterval(() => {
        if (!window.__shoal) return;
        clearInterval(poll);
        follow(window.__shoal);
      }, ${APP_POLL_MS});
    }
  })()`);
}

/** Resolves once `watchFirstPiece` has seen the first verified piece. */
export async function firstPieceReached(peer: Peer, timeoutMs: number): Promise<void> {
  await peer.page.waitForFunction('window.__firstPiece.stepFirstPieceMs !== undefined', null, { polling: 10, timeout: timeoutMs });
}

export async function firstPieceTimeline(peer: Peer): Promise<FirstPieceTimeline> {
  return (await peer.page.evaluate(`(() => {
    const t = window.__firstPiece;
    const nav = performance.getEntriesByType('navigation')[0];
    const round = (ms) => ms === undefined ? NaN : Math.round(ms);
    return { stepDocumentMs: round(nav && nav.responseEnd), stepAppMs: round(t.stepAppMs), stepInRoomMs: round(t.stepInRoomMs),
      stepPeerMs: round(t.stepPeerMs), stepManifestMs: round(t.stepManifestMs), stepFirstPieceMs: round(t.stepFirstPieceMs) };
  })()`)) as FirstPieceTimeline;
}
