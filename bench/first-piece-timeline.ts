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

/**
 * As often as `firstPieceVerified` polls: a snapshot is not free (it copies
 * the piece map), and polling faster would slow the page being timed.
 */
const POLL_MS = 10;

/**
 * Records, inside the leecher page, when each step towards the first
 * verified piece happened, polling the runtime's snapshot every POLL_MS
 * milliseconds; so a slow first piece can be pinned on page load, signaling,
 * WebRTC setup, the manifest, or the piece itself. Installed right after the
 * navigation commits; the steps it times all come later.
 */
export async function watchFirstPiece(peer: Peer, swarmId: string): Promise<void> {
  await peer.page.evaluate(`(() => {
    const id = ${JSON.stringify(swarmId)};
    const t = window.__firstPiece = {};
    const mark = (name) => { if (t[name] === undefined) t[name] = performance.now(); };
    const poll = setInterval(() => {
      const shoal = window.__shoal;
      if (!shoal) return;
      mark('stepAppMs');
      const s = shoal.snapshot(id);
      if (!s) return;
      if (s.phase !== 'connecting') mark('stepInRoomMs');
      if (s.peerCount > 0) mark('stepPeerMs');
      if (s.pieceCount > 0) mark('stepManifestMs');
      if (s.piecesVerified > 0) {
        mark('stepFirstPieceMs');
        clearInterval(poll);
      }
    }, ${POLL_MS});
  })()`);
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
