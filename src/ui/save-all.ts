import { LitElement, css, html, nothing } from 'lit';
import type { SaveOutcome, ShoalApp, SwarmId } from '../app-model.ts';
import { defineElement } from './define.ts';
import type { SaveState } from './file-list.ts';
import { caughtErrorMessage, msg } from './messages.ts';
import { baseStyles } from './styles.ts';

/** Saving every file of a share at once: as one zip built on the fly, or into a folder (where the browser can). */
export class ShoalSaveAll extends LitElement {
  static override properties = {
    app: { attribute: false },
    swarmId: { attribute: false },
    name: { attribute: false },
    canSave: { attribute: false },
    state: { state: true },
  };

  static override styles = [
    baseStyles,
    css`
      div {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 0.5rem;
        margin-bottom: 0.75rem;
      }
      .state-ok {
        color: var(--shoal-ok);
      }
    `,
  ];

  declare app: ShoalApp | undefined;
  declare swarmId: SwarmId;
  declare name: string;
  declare canSave: boolean;
  declare private state: SaveState | null;

  constructor() {
    super();
    this.app = undefined;
    this.swarmId = '';
    this.name = '';
    this.canSave = false;
    this.state = null;
  }

  override willUpdate(changed: Map<PropertyKey, unknown>): void {
    if (changed.has('swarmId')) this.state = null;
  }

  override render() {
    const app = this.app;
    if (!app) return nothing;
    const disabled = !this.canSave || this.state?.status === 'pending';
    const title = this.canSave ? nothing : msg.saveNotReady;
    return html`<div>
        <button
          type="button"
          data-testid="save-zip"
          aria-label=${msg.saveAllZipLabel(this.name)}
          title=${title}
          ?disabled=${disabled}
          @click=${() => this.#run(app.saveZip(this.swarmId))}
        >
          ${msg.saveAllZip}
        </button>
        ${app.canSaveFolder
          ? html`<button
              type="button"
              data-testid="save-folder"
              aria-label=${msg.saveAllFolderLabel(this.name)}
              title=${title}
              ?disabled=${disabled}
              @click=${() => this.#run(app.saveFolder(this.swarmId))}
            >
              ${msg.saveAllFolder}
            </button>`
          : nothing}
        ${this.state?.status === 'pending' ? html`<span role="status">${msg.saving}</span>` : nothing}
        ${this.state?.status === 'complete' ? html`<span class="state-ok" role="status">${msg.saved}</span>` : nothing}
      </div>
      ${this.state?.status === 'error' ? html`<p class="notice error" role="alert">${this.state.message}</p>` : nothing}`;
  }

  async #run(save: Promise<SaveOutcome>): Promise<void> {
    const swarmId = this.swarmId;
    this.state = { status: 'pending' };
    let next: SaveState | null;
    try {
      next = (await save) === 'cancelled' ? null : { status: 'complete' };
    } catch (err) {
      console.error('shoal: saving the share failed', err);
      next = { status: 'error', message: caughtErrorMessage(err) };
    }
    if (this.swarmId === swarmId) this.state = next;
  }
}

defineElement('shoal-save-all', ShoalSaveAll);

declare global {
  interface HTMLElementTagNameMap {
    'shoal-save-all': ShoalSaveAll;
  }
}
