import { LitElement, css, html, nothing } from 'lit';
import type { ShoalApp, SwarmId, TransferSnapshot } from '../app-model.ts';
import { copyLink, type CopyOutcome } from './copy-link.ts';
import { defineElement } from './define.ts';
import './file-list.ts';
import './qr-code.ts';
import { displayText, formatBytes, formatRate } from './format.ts';
import { errorMessage, msg } from './messages.ts';
import { baseStyles, panelStyles } from './styles.ts';
import { SwarmController } from './swarm-controller.ts';
import { canShareLink, shareLink } from './web-share.ts';

const COPIED_NOTICE_MS = 2000;

type CopyStatus = 'initial' | CopyOutcome;

/** A share this page is seeding: its link, its files and how much it has uploaded. */
export class ShoalSharePanel extends LitElement {
  static override properties = {
    app: { attribute: false },
    swarmId: { attribute: false },
    copyStatus: { state: true },
    shareProblem: { state: true },
  };

  static override styles = [
    baseStyles,
    panelStyles,
    css`
      h2 {
        font-size: 1.25rem;
        overflow-wrap: anywhere;
      }
      .link-area {
        display: grid;
        grid-template-columns: minmax(0, 1fr) 9.5rem;
        gap: 1rem 1.5rem;
        align-items: start;
      }
      @media (max-width: 36rem) {
        .link-area {
          grid-template-columns: minmax(0, 1fr);
        }
        figure {
          justify-self: center;
          width: min(100%, 13rem);
        }
      }
      .link-row {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem;
        align-items: center;
      }
      .link {
        flex: 1 1 100%;
        min-width: 0;
        font-family: var(--shoal-mono);
        font-size: 0.9rem;
        padding: 0.6rem 0.8rem;
        border-radius: 10px;
        background: var(--shoal-surface-2);
        overflow-wrap: anywhere;
      }
      .label {
        font-weight: 600;
        margin-bottom: 0.35rem;
      }
      .copy-status {
        min-height: 1.5em;
        margin-top: 0.35rem;
        color: var(--shoal-ok);
      }
      figure {
        margin: 0;
        display: grid;
        gap: 0.35rem;
      }
      figcaption {
        font-size: 0.8rem;
        text-align: center;
      }
      h3 {
        font-size: 1rem;
        margin-bottom: 0.5rem;
      }
    `,
  ];

  declare app: ShoalApp | undefined;
  declare swarmId: SwarmId;
  declare private copyStatus: CopyStatus;
  declare private shareProblem: string | null;
  readonly #swarm = new SwarmController(this, () => this.app);
  #copyTimer: ReturnType<typeof setTimeout> | undefined;

  constructor() {
    super();
    this.app = undefined;
    this.swarmId = '';
    this.copyStatus = 'initial';
    this.shareProblem = null;
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearTimeout(this.#copyTimer);
  }

  override render() {
    const snap = this.#swarm.snapshot(this.swarmId);
    if (!snap) return nothing;
    return html`
      <article class="card" aria-labelledby="title">
        <h2 id="title">${snap.name === null ? msg.shareHeadingFallback : displayText(snap.name)}</h2>
        <p data-testid="share-visibility">${visibilityText(snap)}</p>
        <p class="muted">${msg.keepOpen}</p>
        ${this.#renderLink(snap.link, snap.name)} ${this.#renderStatus(snap)}
        <dl class="stats">
          <div><dt>${msg.statPeers}</dt><dd>${snap.peerCount}</dd></div>
          <div><dt>${msg.statUploaded}</dt><dd>${formatBytes(snap.bytesUploaded)}</dd></div>
          <div><dt>${msg.statUploadRate}</dt><dd>${formatRate(snap.uploadBytesPerSecond)}</dd></div>
        </dl>
        <section aria-labelledby="files">
          <h3 id="files">
            ${msg.filesHeading} · ${msg.fileCount(snap.files.length)} · ${formatBytes(snap.totalBytes)}
          </h3>
          <shoal-file-list .files=${snap.files}></shoal-file-list>
        </section>
      </article>
    `;
  }

  #renderLink(link: string, name: string | null) {
    return html`
      <div class="link-area">
        <div>
          <p class="label" id="link-label">${msg.shareLinkLabel}</p>
          <div class="link-row" role="group" aria-labelledby="link-label">
            <a class="link" data-testid="share-link" href=${link}>${link}</a>
            <button class="primary" type="button" @click=${() => this.#copy(link)}>${msg.copyLink}</button>
            ${canShareLink(link)
              ? html`<button type="button" data-testid="web-share" @click=${() => this.#share(link, name)}>
                  ${msg.shareVia}
                </button>`
              : nothing}
          </div>
          <p class="copy-status" role="status">
            ${this.copyStatus === 'copied' ? msg.copied : nothing}
            ${this.copyStatus === 'selected' ? msg.copyFallback : nothing}
          </p>
          ${this.shareProblem ? html`<p class="notice error" role="alert">${this.shareProblem}</p>` : nothing}
        </div>
        <figure>
          <shoal-qr-code data-testid="share-qr" .text=${link} .label=${msg.qrLabel}></shoal-qr-code>
          <figcaption class="muted">${msg.qrHint}</figcaption>
        </figure>
      </div>
    `;
  }

  #renderStatus(snap: TransferSnapshot) {
    if (snap.error) {
      return html`<p class="notice error" role="alert" data-testid="transfer-error">
        ${errorMessage(snap.error.code, snap.error.detail)}
      </p>`;
    }
    if (snap.signalingDown) return html`<p class="notice warn" role="status">${msg.signalingDown}</p>`;
    return nothing;
  }

  async #share(link: string, name: string | null): Promise<void> {
    const outcome = await shareLink(link, name === null ? msg.shareHeadingFallback : displayText(name));
    this.shareProblem = outcome.status === 'failed' ? msg.shareViaFailed(outcome.detail) : null;
  }

  async #copy(link: string): Promise<void> {
    clearTimeout(this.#copyTimer);
    this.copyStatus = await copyLink(link, this.renderRoot.querySelector('[data-testid="share-link"]'));
    if (this.copyStatus === 'copied') {
      this.#copyTimer = setTimeout(() => (this.copyStatus = 'initial'), COPIED_NOTICE_MS);
    }
  }
}

function visibilityText(snap: TransferSnapshot): string {
  switch (snap.visibility) {
    case 'public':
      return msg.visibilityPublic;
    case 'private':
      return msg.visibilityPrivate;
    case 'password':
      return msg.visibilityPassword;
    case 'relay':
      return msg.visibilityRelay;
  }
}

defineElement('shoal-share-panel', ShoalSharePanel);

declare global {
  interface HTMLElementTagNameMap {
    'shoal-share-panel': ShoalSharePanel;
  }
}
