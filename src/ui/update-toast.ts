import { LitElement, css, html, nothing } from 'lit';
import { defineElement } from './define.ts';
import { msg } from './messages.ts';
import { baseStyles } from './styles.ts';

/**
 * "A new version is available — Reload": shown while a new service worker
 * waits. Reloading is the user's call, since it drops this page's seeds.
 *
 * @fires update-accepted - the user chose to reload into the new version
 */
export class ShoalUpdateToast extends LitElement {
  static override properties = {
    open: { type: Boolean },
  };

  static override styles = [
    baseStyles,
    css`
      :host {
        position: fixed;
        inset: auto 1rem 1rem auto;
        z-index: 10;
      }
      .card {
        display: flex;
        flex-wrap: wrap;
        gap: 0.75rem;
        align-items: center;
        max-width: min(28rem, calc(100vw - 2rem));
      }
    `,
  ];

  declare open: boolean;

  constructor() {
    super();
    this.open = false;
  }

  override render() {
    if (!this.open) return nothing;
    return html`
      <div class="card" role="status" data-testid="update-toast">
        <span>${msg.updateAvailable}</span>
        <button class="primary" type="button" @click=${this.#accept}>${msg.updateReload}</button>
      </div>
    `;
  }

  #accept(): void {
    this.dispatchEvent(new CustomEvent('update-accepted', { bubbles: true, composed: true }));
  }
}

defineElement('shoal-update-toast', ShoalUpdateToast);

declare global {
  interface HTMLElementTagNameMap {
    'shoal-update-toast': ShoalUpdateToast;
  }
}
