import { LitElement, css, html } from 'lit';
import type { PeerSummary } from '../app-model.ts';
import { defineElement } from './define.ts';
import { formatBytes, formatRate, shortPeerId } from './format.ts';
import { candidateTypeName, msg } from './messages.ts';
import { baseStyles } from './styles.ts';

/** The peers of one swarm: who, how they are reached, and what went each way. */
export class ShoalPeerList extends LitElement {
  static override properties = { peers: { attribute: false } };

  static override styles = [
    baseStyles,
    css`
      :host {
        display: block;
      }
      .scroll {
        overflow-x: auto;
      }
      table {
        width: 100%;
        border-collapse: collapse;
        font-size: 0.9rem;
        font-variant-numeric: tabular-nums;
      }
      th {
        text-align: left;
      }
      thead th {
        font-size: 0.8rem;
        font-weight: 600;
        color: var(--shoal-muted);
        padding: 0 0.5rem 0.35rem 0;
      }
      tbody th {
        font-weight: 400;
      }
      tbody th,
      td {
        padding: 0.4rem 0.5rem 0.4rem 0;
        border-top: 1px solid var(--shoal-border);
        vertical-align: top;
      }
      .id {
        font-family: var(--shoal-mono);
      }
      .sub {
        display: block;
        font-size: 0.8rem;
        color: var(--shoal-muted);
        overflow-wrap: anywhere;
      }
      .relay {
        color: var(--shoal-warn);
        font-weight: 600;
      }
      @media (max-width: 30rem) {
        table {
          font-size: 0.85rem;
        }
      }
    `,
  ];

  declare peers: readonly PeerSummary[];

  constructor() {
    super();
    this.peers = [];
  }

  override render() {
    if (this.peers.length === 0) return html`<p class="muted">${msg.peersNone}</p>`;
    return html`
      <div class="scroll">
        <table>
          <thead>
            <tr>
              <th scope="col">${msg.peerColumn}</th>
              <th scope="col">${msg.peerConnectionColumn}</th>
              <th scope="col">${msg.peerReceivedColumn}</th>
              <th scope="col">${msg.peerSentColumn}</th>
            </tr>
          </thead>
          <tbody>
            ${this.peers.map((peer) => this.#renderPeer(peer))}
          </tbody>
        </table>
      </div>
    `;
  }

  #renderPeer(peer: PeerSummary) {
    const connection = peer.connection;
    return html`<tr data-testid="peer-row" data-peer-id=${peer.peerId} data-route=${connection?.route ?? ''}>
      <th scope="row" class="id" title=${msg.peerIdLabel(peer.peerId)}>${shortPeerId(peer.peerId)}</th>
      <td data-testid="peer-route">
        ${connection
          ? html`<span class=${connection.route}>${connection.route === 'relay' ? msg.routeRelay : msg.routeDirect}</span>
              <span class="sub">
                ${msg.candidatePair(candidateTypeName(connection.localCandidate), candidateTypeName(connection.remoteCandidate))}
              </span>`
          : html`<span class="muted">${msg.routeMeasuring}</span>`}
      </td>
      <td data-testid="peer-received">
        ${formatBytes(peer.bytesDownloaded)}<span class="sub">${formatRate(peer.downloadBytesPerSecond)}</span>
      </td>
      <td data-testid="peer-sent">
        ${formatBytes(peer.bytesUploaded)}<span class="sub">${formatRate(peer.uploadBytesPerSecond)}</span>
      </td>
    </tr>`;
  }
}

defineElement('shoal-peer-list', ShoalPeerList);

declare global {
  interface HTMLElementTagNameMap {
    'shoal-peer-list': ShoalPeerList;
  }
}
