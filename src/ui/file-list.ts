import { LitElement, css, html, nothing } from 'lit';
import type { FileSummary } from '../app-model.ts';
import { mediaKind } from '../chunks/media-kind.ts';
import { defineElement } from './define.ts';
import { displayText, formatBytes, formatPercent, progressFraction } from './format.ts';
import { msg } from './messages.ts';
import { baseStyles } from './styles.ts';

export type SaveState =
  | { status: 'pending' }
  | { status: 'complete' }
  | { status: 'error'; message: string };

/** Long lists are cut here until asked for, so a share of thousands of files stays cheap to re-render. */
const COLLAPSED_LIMIT = 100;

/**
 * The files of a share with their sizes; with `verified` set, how much of
 * each is here; with `saving` set, each row gets a Save button and shows how
 * its save went; with `canPreview`, videos, audio and images get a Play or
 * View button.
 *
 * @fires save-requested - CustomEvent<{ fileIndex: number }>.
 * @fires preview-requested - CustomEvent<{ fileIndex: number }>.
 */
export class ShoalFileList extends LitElement {
  static override properties = {
    files: { attribute: false },
    verified: { attribute: false },
    saving: { attribute: false },
    canSave: { attribute: false },
    canPreview: { attribute: false },
    expanded: { state: true },
  };

  static override styles = [
    baseStyles,
    css`
      ul {
        list-style: none;
        margin: 0;
        padding: 0;
        border: 1px solid var(--shoal-border);
        border-radius: 10px;
      }
      li {
        display: grid;
        grid-template-columns: minmax(0, 1fr) auto auto;
        align-items: center;
        gap: 0.25rem 0.75rem;
        padding: 0.55rem 0.8rem;
      }
      li + li {
        border-top: 1px solid var(--shoal-border);
      }
      .path {
        overflow-wrap: anywhere;
      }
      .size {
        color: var(--shoal-muted);
        font-variant-numeric: tabular-nums;
        text-align: right;
      }
      .actions {
        display: flex;
        align-items: center;
        gap: 0.5rem;
      }
      .state-error {
        grid-column: 1 / -1;
        color: var(--shoal-danger);
      }
      .state-ok {
        color: var(--shoal-ok);
      }
      @media (max-width: 30rem) {
        li {
          grid-template-columns: minmax(0, 1fr) auto;
        }
        .path {
          grid-column: 1 / -1;
        }
        .size {
          text-align: left;
        }
      }
      button {
        min-height: 36px;
        padding: 0.25rem 0.9rem;
      }
      .more {
        margin-top: 0.5rem;
      }
      .progress {
        grid-column: 1 / -1;
        display: flex;
        align-items: center;
        gap: 0.6rem;
        font-size: 0.8rem;
        color: var(--shoal-muted);
        font-variant-numeric: tabular-nums;
      }
      .progress progress {
        height: 0.4rem;
      }
    `,
  ];

  declare files: readonly FileSummary[];
  /** Verified bytes per file, by index; null hides per-file progress (e.g. once everything is here). */
  declare verified: readonly number[] | null;
  /** Per-file save progress, keyed by file index; null when files are not saveable here. */
  declare saving: ReadonlyMap<number, SaveState> | null;
  declare canSave: boolean;
  declare canPreview: boolean;
  declare private expanded: boolean;

  constructor() {
    super();
    this.files = [];
    this.verified = null;
    this.saving = null;
    this.canSave = false;
    this.canPreview = false;
    this.expanded = false;
  }

  override render() {
    const shown = this.expanded ? this.files : this.files.slice(0, COLLAPSED_LIMIT);
    return html`
      <ul>
        ${shown.map((file, index) => this.#renderFile(file, index))}
      </ul>
      ${shown.length < this.files.length
        ? html`<button class="more" type="button" @click=${() => (this.expanded = true)}>
            ${msg.showAllFiles(this.files.length)}
          </button>`
        : nothing}
    `;
  }

  #renderFile(file: FileSummary, index: number) {
    const path = displayText(file.path);
    const state = this.saving?.get(index);
    return html`<li>
      <span class="path">${path}</span>
      <span class="size">${formatBytes(file.size)}</span>
      <span class="actions">
        ${this.canPreview ? this.#renderPreview(path, file, index) : nothing}
        ${this.saving ? this.#renderSave(path, index, state) : nothing}
      </span>
      ${this.verified ? this.#renderProgress(path, file, this.verified[index] ?? 0) : nothing}
      ${state?.status === 'error' ? html`<span class="state-error" role="alert">${state.message}</span>` : nothing}
    </li>`;
  }

  #renderProgress(path: string, file: FileSummary, verifiedBytes: number) {
    // An empty file needs no piece: it is complete from the start.
    const fraction = file.size === 0 ? 1 : progressFraction(verifiedBytes, file.size);
    return html`<span class="progress">
      <progress max="1" .value=${fraction} aria-label=${msg.fileProgressLabel(path)}></progress>
      <span data-testid="file-percent">${formatPercent(fraction)}</span>
    </span>`;
  }

  #renderPreview(path: string, file: FileSummary, index: number) {
    const kind = mediaKind(file.mime);
    if (!kind || file.size === 0) return nothing;
    const image = kind === 'image';
    return html`<button
      type="button"
      data-testid="preview-file"
      aria-label=${image ? msg.viewLabel(path) : msg.playLabel(path)}
      @click=${() => this.#dispatch('preview-requested', index)}
    >
      ${image ? msg.view : msg.play}
    </button>`;
  }

  #renderSave(path: string, index: number, state: SaveState | undefined) {
    const busy = state?.status === 'pending';
    return html`
      <button
        type="button"
        data-testid="save-file"
        aria-label=${msg.saveLabel(path)}
        title=${this.canSave ? msg.saveLabel(path) : msg.saveNotReady}
        ?disabled=${!this.canSave || busy}
        @click=${() => this.#dispatch('save-requested', index)}
      >
        ${busy ? msg.saving : msg.save}
      </button>
      ${state?.status === 'complete' ? html`<span class="state-ok">${msg.saved}</span>` : nothing}
    `;
  }

  #dispatch(type: 'save-requested' | 'preview-requested', fileIndex: number): void {
    this.dispatchEvent(
      new CustomEvent<{ fileIndex: number }>(type, {
        detail: { fileIndex },
        bubbles: true,
        composed: true,
      }),
    );
  }
}

defineElement('shoal-file-list', ShoalFileList);

declare global {
  interface HTMLElementTagNameMap {
    'shoal-file-list': ShoalFileList;
  }
}
