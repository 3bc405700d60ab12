import { LitElement, css, html, nothing } from 'lit';
import type { HashingProgress, ShareInputFile } from '../app-model.ts';
import { defineElement } from './define.ts';
import { readDroppedEntries, takeDroppedEntries } from './dropped-files.ts';
import { formatBytes, formatPercent, progressFraction } from './format.ts';
import { msg } from './messages.ts';
import { baseStyles } from './styles.ts';

/**
 * Where files to share come in: drag and drop (files and whole folders), the
 * file picker or the folder picker; Enter or Space on the focused zone opens
 * the file picker. While `hashing` is set it shows progress instead.
 *
 * @fires files-chosen - CustomEvent<ShareInputFile[]>, the chosen files with relative paths.
 * @fires cancel-requested - the user pressed Cancel while hashing.
 */
export class ShoalDropZone extends LitElement {
  static override properties = {
    hashing: { attribute: false },
    dragOver: { state: true },
    problem: { state: true },
  };

  static override styles = [
    baseStyles,
    css`
      .zone {
        display: grid;
        gap: 0.75rem;
        justify-items: center;
        text-align: center;
        padding: clamp(1.5rem, 6vw, 3rem) 1rem;
        border: 2px dashed var(--shoal-border);
        border-radius: var(--shoal-radius);
        background: var(--shoal-surface);
        transition: border-color 0.15s, background 0.15s;
      }
      .pickers {
        display: flex;
        flex-wrap: wrap;
        justify-content: center;
        gap: 0.5rem;
      }
      .zone.over {
        border-color: var(--shoal-accent);
        background: var(--shoal-surface-2);
      }
      .icon {
        width: 3rem;
        height: 3rem;
        color: var(--shoal-accent);
      }
      .hashing {
        display: grid;
        gap: 0.6rem;
        width: min(100%, 28rem);
      }
      .row {
        display: flex;
        justify-content: space-between;
        gap: 1rem;
        font-variant-numeric: tabular-nums;
      }
      .notice {
        margin-top: 0.75rem;
      }
    `,
  ];

  declare hashing: HashingProgress | null;
  declare private dragOver: boolean;
  declare private problem: string | null;

  constructor() {
    super();
    this.hashing = null;
    this.dragOver = false;
    this.problem = null;
  }

  override render() {
    return html`
      <section
        class="zone ${this.dragOver ? 'over' : ''}"
        data-testid="drop-zone"
        aria-label=${msg.dropZoneLabel}
        tabindex=${this.hashing ? -1 : 0}
        @keydown=${this.#onKeyDown}
        @dragenter=${this.#onDragOver}
        @dragover=${this.#onDragOver}
        @dragleave=${this.#onDragLeave}
        @drop=${this.#onDrop}
      >
        ${this.hashing ? this.#renderHashing(this.hashing) : this.#renderIdle()}
      </section>
      ${this.problem ? html`<p class="notice error" role="alert">${this.problem}</p>` : nothing}
    `;
  }

  #renderIdle() {
    return html`
      <svg class="icon" viewBox="0 0 24 24" aria-hidden="true" fill="none" stroke="currentColor"
        stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round">
        <path d="M12 15V4m0 0L7.5 8.5M12 4l4.5 4.5" />
        <path d="M4 14v4a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2v-4" />
      </svg>
      <h2>${msg.dropTitle}</h2>
      <p class="muted">${msg.dropHint}</p>
      <div class="pickers">
        <button class="primary" type="button" @click=${() => this.#openPicker('files')}>${msg.chooseFiles}</button>
        <button type="button" @click=${() => this.#openPicker('folder')}>${msg.chooseFolder}</button>
      </div>
      <input
        class="visually-hidden"
        type="file"
        data-picker="files"
        multiple
        tabindex="-1"
        aria-hidden="true"
        @change=${this.#onPicked}
      />
      <input
        class="visually-hidden"
        type="file"
        data-picker="folder"
        webkitdirectory
        tabindex="-1"
        aria-hidden="true"
        @change=${this.#onPicked}
      />
    `;
  }

  #renderHashing(progress: HashingProgress) {
    const fraction = progressFraction(progress.bytesHashed, progress.totalBytes);
    return html`
      <div class="hashing">
        <h2>${msg.hashingTitle}</h2>
        <p class="muted">${msg.hashingHint}</p>
        <progress max="1" .value=${fraction} aria-label=${msg.hashingProgressLabel}></progress>
        <div class="row">
          <span>${formatPercent(fraction)}</span>
          <span>${msg.bytesOf(formatBytes(progress.bytesHashed), formatBytes(progress.totalBytes))}</span>
        </div>
        <div>
          <button type="button" @click=${this.#cancel}>${msg.cancel}</button>
        </div>
      </div>
    `;
  }

  #openPicker(kind: 'files' | 'folder'): void {
    this.renderRoot.querySelector<HTMLInputElement>(`input[data-picker=${kind}]`)?.click();
  }

  #onKeyDown(event: KeyboardEvent): void {
    // Only the zone itself: its buttons already answer Enter and Space.
    if (this.hashing || event.target !== event.currentTarget) return;
    if (event.key !== 'Enter' && event.key !== ' ') return;
    event.preventDefault();
    this.#openPicker('files');
  }

  #onPicked(event: Event): void {
    const input = event.target as HTMLInputElement;
    const files = Array.from(input.files ?? [], (file) => ({
      file,
      path: file.webkitRelativePath || file.name,
    }));
    // Cleared so picking the same files again still fires `change`.
    input.value = '';
    this.#choose(files);
  }

  #onDragOver(event: DragEvent): void {
    if (this.hashing || !event.dataTransfer?.types.includes('Files')) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = 'copy';
    this.dragOver = true;
  }

  #onDragLeave(event: DragEvent): void {
    const into = event.relatedTarget;
    if (into instanceof Node && (event.currentTarget as Node).contains(into)) return;
    this.dragOver = false;
  }

  async #onDrop(event: DragEvent): Promise<void> {
    this.dragOver = false;
    if (this.hashing || !event.dataTransfer) return;
    event.preventDefault();
    const entries = takeDroppedEntries(event.dataTransfer);
    try {
      this.#choose(await readDroppedEntries(entries));
    } catch (err) {
      this.problem = msg.dropReadFailed(err instanceof Error ? err.message : String(err));
    }
  }

  #choose(files: ShareInputFile[]): void {
    if (files.length === 0) {
      this.problem = msg.dropEmpty;
      return;
    }
    this.problem = null;
    this.dispatchEvent(
      new CustomEvent<ShareInputFile[]>('files-chosen', { detail: files, bubbles: true, composed: true }),
    );
  }

  #cancel(): void {
    this.dispatchEvent(new Event('cancel-requested', { bubbles: true, composed: true }));
  }
}

defineElement('shoal-drop-zone', ShoalDropZone);

declare global {
  interface HTMLElementTagNameMap {
    'shoal-drop-zone': ShoalDropZone;
  }
}
