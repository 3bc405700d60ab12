import { LitElement, css, html, nothing } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import type { LibraryItem, ShoalApp, SwarmId } from '../app-model.ts';
import { copyLink } from './copy-link.ts';
import { defineElement } from './define.ts';
import { displayText, formatBytes, formatDateTime, formatPercent, progressFraction } from './format.ts';
import { caughtErrorMessage, msg } from './messages.ts';
import { baseStyles, panelStyles } from './styles.ts';
import { SwarmController } from './swarm-controller.ts';

/**
 * Everything this browser holds: open, save, copy the link, seed or not,
 * delete. Lists what the app reports; every action goes through the app.
 */
export class ShoalLibraryView extends LitElement {
  static override properties = {
    app: { attribute: false },
    notice: { state: true },
  };

  static override styles = [
    baseStyles,
    panelStyles,
    css`
      h2 {
        font-size: 1.25rem;
      }
      ul {
        list-style: none;
        margin: 0;
        padding: 0;
        display: grid;
        gap: 0.75rem;
      }
      li {
        display: grid;
        gap: 0.4rem;
        padding: 0.75rem 0;
        border-top: 1px solid var(--shoal-border);
      }
      .name {
        font-weight: 600;
        overflow-wrap: anywhere;
      }
      .meta {
        font-size: 0.9rem;
        font-variant-numeric: tabular-nums;
      }
      .actions {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem;
        align-items: center;
      }
      label {
        display: inline-flex;
        gap: 0.4rem;
        align-items: center;
        min-height: 44px;
      }
      .link {
        font-family: var(--shoal-mono);
        font-size: 0.8rem;
        overflow-wrap: anywhere;
      }
    `,
  ];

  declare app: ShoalApp | undefined;
  declare private notice: string | null;

  constructor() {
    super();
    // Re-renders as items progress; it registers itself with this host.
    new SwarmController(this, () => this.app);
    this.app = undefined;
    this.notice = null;
  }

  override render() {
    const app = this.app;
    if (!app) return nothing;
    const items = app.library();
    return html`
      <section class="card" aria-labelledby="library-title" data-testid="library">
        <h2 id="library-title">${msg.libraryHeading}</h2>
        <label>
          <input
            type="checkbox"
            data-testid="seeding-all"
            .checked=${app.seedingEnabled}
            @change=${(e: Event) => app.setSeedingEnabled((e.target as HTMLInputElement).checked)}
          />
          ${msg.librarySeedingAll}
        </label>
        ${this.notice ? html`<p class="notice error" role="alert">${this.notice}</p>` : nothing}
        ${items.some((item) => item.visibility !== 'public')
          ? html`<p class="muted" data-testid="library-keys-note">${msg.libraryKeysNote}</p>`
          : nothing}
        ${items.length === 0
          ? html`<p class="muted">${msg.libraryEmpty}</p>`
          : html`<ul>
              ${repeat(
                items,
                (item) => item.swarmId,
                (item) => this.#renderItem(app, item),
              )}
            </ul>`}
      </section>
    `;
  }

  #renderItem(app: ShoalApp, item: LibraryItem) {
    const fraction = progressFraction(item.piecesVerified, item.pieceCount);
    const complete = item.piecesVerified === item.pieceCount;
    const name = displayText(item.name);
    return html`
      <li data-testid="library-item" data-swarm-id=${item.swarmId}>
        <a class="name" href=${'#' + item.swarmId}>${name}</a>
        <progress max="1" .value=${fraction} aria-label=${name}></progress>
        <span class="meta muted">
          ${formatBytes(item.totalBytes)} ·
          ${complete ? msg.libraryComplete : msg.libraryPartial(formatPercent(fraction))} ·
          ${item.origin === 'shared' ? msg.libraryShared : msg.libraryDownloaded} ·
          ${item.visibility === 'public' ? nothing : html`${msg.libraryPrivate} ·`}
          ${item.active ? msg.libraryActive : msg.libraryLastActive(formatDateTime(item.lastActivityAtMs, msg.lang))}
        </span>
        <a class="link muted" data-testid="library-link" href=${item.link}>${item.link}</a>
        <div class="actions">
          <label>
            <input
              type="checkbox"
              data-testid="library-seeding"
              .checked=${item.seeding}
              @change=${(e: Event) => this.#run(app.setSeeding(item.swarmId, (e.target as HTMLInputElement).checked))}
            />
            ${msg.librarySeedLabel}
          </label>
          <button type="button" data-testid="library-save" ?disabled=${!complete} @click=${() => this.#saveAll(app, item)}>
            ${msg.save}
          </button>
          <button type="button" @click=${(e: Event) => this.#copy(item, e)}>${msg.copyLink}</button>
          <button
            type="button"
            data-testid="library-delete"
            aria-label=${msg.libraryDeleteLabel(name)}
            @click=${() => this.#delete(app, item.swarmId, name)}
          >
            ${msg.libraryDelete}
          </button>
        </div>
      </li>
    `;
  }

  async #saveAll(app: ShoalApp, item: LibraryItem): Promise<void> {
    // Several files go out as one zip, streamed: one download instead of many.
    const files = app.snapshot(item.swarmId)?.files ?? [];
    await this.#run(files.length === 1 ? app.saveFile(item.swarmId, 0) : app.saveZip(item.swarmId));
  }

  async #copy(item: LibraryItem, event: Event): Promise<void> {
    const row = (event.target as Element).closest('li');
    const outcome = await copyLink(item.link, row?.querySelector('[data-testid="library-link"]') ?? null);
    this.notice = outcome === 'selected' ? msg.copyFallback : null;
  }

  async #delete(app: ShoalApp, swarmId: SwarmId, name: string): Promise<void> {
    if (!confirm(msg.libraryDeleteConfirm(name))) return;
    await this.#run(app.deleteItem(swarmId));
  }

  /** Runs a user action; a failure becomes the notice at the top. */
  async #run(action: Promise<unknown>): Promise<void> {
    try {
      await action;
      this.notice = null;
    } catch (err) {
      console.error('shoal: library action failed', err);
      this.notice = caughtErrorMessage(err);
    }
  }
}

defineElement('shoal-library-view', ShoalLibraryView);

declare global {
  interface HTMLElementTagNameMap {
    'shoal-library-view': ShoalLibraryView;
  }
}
