import { LitElement, css, html, nothing } from 'lit';
import type { TransferSnapshot } from '../app-model.ts';
import { defineElement } from './define.ts';
import { formatBytes, formatRate } from './format.ts';
import { etaText, msg } from './messages.ts';
import './peer-list.ts';
import './piece-map.ts';
import { baseStyles } from './styles.ts';

/** How one swarm is going: rates, time left, the piece map and the peers. */
export class ShoalSwarmView extends LitElement {
  static override properties = { snapshot: { attribute: false } };

  static override styles = [
    baseStyles,
    css`
      :host {
        display: grid;
        gap: 1rem;
        min-width: 0;
      }
      section {
        min-width: 0;
      }
      h3 {
        font-size: 1rem;
        margin-bottom: 0.5rem;
      }
    `,
  ];

  declare snapshot: TransferSnapshot | null;

  constructor() {
    super();
    this.snapshot = null;
  }

  override render() {
    const snap = this.snapshot;
    if (!snap) return nothing;
    const eta = etaText(snap.etaSeconds);
    return html`
      <dl class="stats">
        <div><dt>${msg.statDownloadRate}</dt><dd data-testid="download-rate">${formatRate(snap.downloadBytesPerSecond)}</dd></div>
        <div><dt>${msg.statUploadRate}</dt><dd>${formatRate(snap.uploadBytesPerSecond)}</dd></div>
        ${eta === null ? nothing : html`<div><dt>${msg.statTimeLeft}</dt><dd data-testid="eta">${eta}</dd></div>`}
        <div><dt>${msg.statPeers}</dt><dd data-testid="peer-count">${snap.peerCount}</dd></div>
        <div><dt>${msg.statUploaded}</dt><dd>${formatBytes(snap.bytesUploaded)}</dd></div>
      </dl>
      ${snap.pieceMap
        ? html`<section aria-labelledby="pieces">
            <h3 id="pieces">${msg.pieceMapHeading}</h3>
            <shoal-piece-map .map=${snap.pieceMap}></shoal-piece-map>
          </section>`
        : nothing}
      <section aria-labelledby="peers">
        <h3 id="peers">${msg.peersHeading}</h3>
        <shoal-peer-list .peers=${snap.peers}></shoal-peer-list>
      </section>
    `;
  }
}

defineElement('shoal-swarm-view', ShoalSwarmView);

declare global {
  interface HTMLElementTagNameMap {
    'shoal-swarm-view': ShoalSwarmView;
  }
}
