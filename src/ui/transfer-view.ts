import { LitElement, css, html, nothing } from 'lit';
import type { ShoalApp, SwarmId, TransferSnapshot } from '../app-model.ts';
import { defineElement } from './define.ts';
import { mediaKind } from '../chunks/media-kind.ts';
import './file-list.ts';
import type { SaveState } from './file-list.ts';
import './media-preview.ts';
import './save-all.ts';
import { displayText, formatBytes, formatPercent, progressFraction } from './format.ts';
import { caughtErrorMessage, errorMessage, msg } from './messages.ts';
import { baseStyles, panelStyles } from './styles.ts';
import { SwarmController } from './swarm-controller.ts';
import './swarm-view.ts';

/** A download opened from a link: where it stands, how fast it goes, and its files to save. */
export class ShoalTransferView extends LitElement {
  static override properties = {
    app: { attribute: false },
    swarmId: { attribute: false },
    saving: { state: true },
    previewing: { state: true },
  };

  static override styles = [
    baseStyles,
    panelStyles,
    css`
      h2 {
        font-size: 1.35rem;
        overflow-wrap: anywhere;
      }
      .row {
        display: flex;
        flex-wrap: wrap;
        justify-content: space-between;
        gap: 0.25rem 1rem;
        font-variant-numeric: tabular-nums;
      }
      .percent {
        font-weight: 700;
      }
      h3 {
        font-size: 1rem;
        margin-bottom: 0.5rem;
      }
    `,
  ];

  declare app: ShoalApp | undefined;
  declare swarmId: SwarmId;
  declare private saving: ReadonlyMap<number, SaveState>;
  /** The file shown in the inline player, if any. */
  declare private previewing: number | null;
  readonly #swarm = new SwarmController(this, () => this.app);

  constructor() {
    super();
    this.app = undefined;
    this.swarmId = '';
    this.saving = new Map();
    this.previewing = null;
  }

  override willUpdate(changed: Map<PropertyKey, unknown>): void {
    // Save results and the player belong to one swarm; a different link starts clean.
    if (changed.has('swarmId')) {
      this.saving = new Map();
      this.previewing = null;
    }
  }

  override render() {
    const snap = this.#swarm.snapshot(this.swarmId);
    if (!snap) {
      return html`<article class="card"><p role="status">${msg.phaseConnecting}</p></article>`;
    }
    const complete = snap.phase === 'complete';
    return html`
      <article class="card" aria-labelledby="title">
        <h2 id="title">${snap.name === null ? msg.transferHeadingFallback : displayText(snap.name)}</h2>
        ${complete
          ? html`<p class="notice ok" data-testid="download-complete" role="status">
              ${msg.downloadComplete}
            </p>`
          : html`<p role="status">${this.#phaseText(snap)}</p>`}
        ${snap.phase === 'waiting-for-peers' && snap.visibility !== 'public'
          ? html`<p class="muted">${msg.privateWaitingHint}</p>`
          : nothing}
        ${snap.signalingDown
          ? html`<p class="notice warn" role="status">${msg.signalingDown}</p>`
          : nothing}
        ${snap.error
          ? html`<p class="notice error" role="alert" data-testid="transfer-error">
              ${errorMessage(snap.error.code, snap.error.detail)}
            </p>`
          : nothing}
        ${snap.storagePaused && !snap.inOtherTab
          ? html`<p>
              <button type="button" data-testid="storage-retry" @click=${() => this.app?.retryStorage(this.swarmId)}>
                ${msg.retry}
              </button>
            </p>`
          : nothing}
        ${snap.inOtherTab ? html`<p class="notice warn" role="status" data-testid="in-other-tab">${msg.inOtherTab}</p>` : nothing}
        ${snap.piecesResumed > 0 && !complete ? html`<p class="muted">${msg.resumedPieces(snap.piecesResumed)}</p>` : nothing}
        ${this.#renderProgress(snap)}
        ${snap.files.length > 0
          ? html`<section aria-labelledby="files">
              <h3 id="files">${msg.filesHeading} · ${msg.fileCount(snap.files.length)}</h3>
              ${this.#renderPreview(snap)}
              ${snap.files.length > 1
                ? html`<shoal-save-all
                    .app=${this.app}
                    .swarmId=${this.swarmId}
                    .name=${displayText(snap.name ?? '')}
                    .canSave=${complete}
                  ></shoal-save-all>`
                : nothing}
              <shoal-file-list
                .files=${snap.files}
                .verified=${complete ? null : snap.fileBytesVerified}
                .saving=${this.saving}
                .canSave=${complete}
                .canPreview=${!snap.inOtherTab}
                @save-requested=${this.#onSaveRequested}
                @preview-requested=${(e: CustomEvent<{ fileIndex: number }>) => (this.previewing = e.detail.fileIndex)}
              ></shoal-file-list>
            </section>`
          : nothing}
      </article>
    `;
  }

  #renderPreview(snap: TransferSnapshot) {
    const file = this.previewing === null ? undefined : snap.files[this.previewing];
    const kind = file && mediaKind(file.mime);
    if (!file || !kind) return nothing;
    return html`<shoal-media-preview
      .app=${this.app}
      .swarmId=${this.swarmId}
      .fileIndex=${this.previewing}
      .path=${file.path}
      .kind=${kind}
      @preview-closed=${() => (this.previewing = null)}
    ></shoal-media-preview>`;
  }

  #phaseText(snap: TransferSnapshot): string {
    switch (snap.phase) {
      case 'connecting':
        return msg.phaseConnecting;
      case 'waiting-for-peers':
        return msg.phaseWaitingForPeers;
      case 'fetching-manifest':
        return msg.phaseFetchingManifest;
      case 'downloading':
        return msg.phaseDownloading(snap.peerCount);
      case 'complete':
        return msg.downloadComplete;
    }
  }

  #renderProgress(snap: TransferSnapshot) {
    const fraction = progressFraction(snap.piecesVerified, snap.pieceCount);
    // Verified bytes, not received bytes: duplicates and rejected pieces do not count.
    const doneBytes = Math.round(fraction * snap.totalBytes);
    const known = snap.pieceCount > 0;
    return html`
      <div>
        <progress max="1" .value=${fraction} aria-label=${msg.transferProgressLabel}></progress>
        <div class="row">
          <span class="percent" data-testid="transfer-percent">${formatPercent(fraction)}</span>
          ${known
            ? html`<span>${msg.bytesOf(formatBytes(doneBytes), formatBytes(snap.totalBytes))}</span>`
            : nothing}
        </div>
      </div>
      <shoal-swarm-view .snapshot=${snap}></shoal-swarm-view>
    `;
  }

  async #onSaveRequested(event: CustomEvent<{ fileIndex: number }>): Promise<void> {
    const app = this.app;
    const swarmId = this.swarmId;
    const { fileIndex } = event.detail;
    if (!app || this.saving.get(fileIndex)?.status === 'pending') return;
    this.#setSaveState(fileIndex, { status: 'pending' });
    let next: SaveState | null;
    try {
      // Dismissing the save dialog is a choice, not a failure.
      next = (await app.saveFile(swarmId, fileIndex)) === 'cancelled' ? null : { status: 'complete' };
    } catch (err) {
      console.error('shoal: saving file failed', err);
      next = { status: 'error', message: caughtErrorMessage(err) };
    }
    // The view may have moved on to another link while the save ran.
    if (this.swarmId === swarmId) this.#setSaveState(fileIndex, next);
  }

  #setSaveState(fileIndex: number, state: SaveState | null): void {
    const next = new Map(this.saving);
    if (state) next.set(fileIndex, state);
    else next.delete(fileIndex);
    this.saving = next;
  }
}

defineElement('shoal-transfer-view', ShoalTransferView);

declare global {
  interface HTMLElementTagNameMap {
    'shoal-transfer-view': ShoalTransferView;
  }
}
