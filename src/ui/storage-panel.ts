import { LitElement, css, html, nothing } from 'lit';
import type { ShoalApp, StorageInfo } from '../app-model.ts';
import { defineElement } from './define.ts';
import { formatBytes, progressFraction } from './format.ts';
import { msg } from './messages.ts';
import { baseStyles, panelStyles } from './styles.ts';

/** Usage changes as pieces arrive; a slow poll is enough for a summary. */
const REFRESH_MS = 10_000;

type PersistStep = 'initial' | 'pending' | 'refused';

/** How much space Shoal uses and may use, and a way to ask the browser to keep it. */
export class ShoalStoragePanel extends LitElement {
  static override properties = {
    app: { attribute: false },
    info: { state: true },
    persist: { state: true },
  };

  static override styles = [
    baseStyles,
    panelStyles,
    css`
      .card {
        gap: 0.6rem;
      }
      h2 {
        font-size: 1.1rem;
      }
    `,
  ];

  declare app: ShoalApp | undefined;
  declare private info: StorageInfo | null | undefined;
  declare private persist: PersistStep;
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor() {
    super();
    this.app = undefined;
    this.info = undefined;
    this.persist = 'initial';
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.#timer = setInterval(() => void this.#refresh(), REFRESH_MS);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearInterval(this.#timer);
  }

  override willUpdate(changed: Map<PropertyKey, unknown>): void {
    if (changed.has('app')) void this.#refresh();
  }

  override render() {
    const info = this.info;
    if (info === undefined) return nothing;
    return html`
      <section class="card" aria-labelledby="storage-title" data-testid="storage-panel">
        <h2 id="storage-title">${msg.storageHeading}</h2>
        ${info === null
          ? html`<p class="muted">${msg.storageUnknown}</p>`
          : html`
              <progress
                max="1"
                .value=${progressFraction(info.usageBytes, info.quotaBytes)}
                aria-label=${msg.storageHeading}
              ></progress>
              <p>${msg.storageUsage(formatBytes(info.usageBytes), formatBytes(info.quotaBytes))}</p>
              ${info.persisted
                ? html`<p class="muted">${msg.storagePersisted}</p>`
                : html`<p class="muted">${msg.storageNotPersisted}</p>
                    <p>
                      <button type="button" ?disabled=${this.persist === 'pending'} @click=${this.#requestPersist}>
                        ${msg.storagePersist}
                      </button>
                    </p>
                    ${this.persist === 'refused' ? html`<p class="muted">${msg.storagePersistRefused}</p>` : nothing}`}
            `}
      </section>
    `;
  }

  async #refresh(): Promise<void> {
    try {
      this.info = (await this.app?.storageInfo()) ?? null;
    } catch (err) {
      console.warn('shoal: storage estimate failed', err);
      this.info = null;
    }
  }

  async #requestPersist(): Promise<void> {
    if (!this.app) return;
    this.persist = 'pending';
    const granted = await this.app.requestPersistentStorage();
    this.persist = granted ? 'initial' : 'refused';
    await this.#refresh();
  }
}

defineElement('shoal-storage-panel', ShoalStoragePanel);

declare global {
  interface HTMLElementTagNameMap {
    'shoal-storage-panel': ShoalStoragePanel;
  }
}
