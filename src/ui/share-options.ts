import { LitElement, css, html, nothing } from 'lit';
import type { ShareOptions } from '../app-model.ts';
import { defineElement } from './define.ts';
import { msg } from './messages.ts';
import { baseStyles, passwordFieldStyles } from './styles.ts';

export type ShareChoice = Pick<ShareOptions, 'visibility' | 'password' | 'keepInLibrary'>;

/**
 * How the next share is made: private (the default) or public, an optional
 * password, and whether the library keeps it (and so, if private, its key).
 * The page reads `choice` when files arrive.
 */
export class ShoalShareOptions extends LitElement {
  static override properties = {
    isPublic: { state: true },
    password: { state: true },
    keep: { state: true },
  };

  static override styles = [
    baseStyles,
    css`
      fieldset {
        display: grid;
        gap: 0.6rem;
        margin: 0;
        padding: 0.75rem 1rem;
        border: 1px solid var(--shoal-border);
        border-radius: var(--shoal-radius);
        background: var(--shoal-surface);
      }
      legend {
        font-weight: 600;
        padding: 0 0.25rem;
      }
      label {
        display: flex;
        gap: 0.5rem;
        align-items: center;
      }
      .hint {
        font-size: 0.875rem;
      }
    `,
    passwordFieldStyles,
  ];

  declare private isPublic: boolean;
  declare private password: string;
  declare private keep: boolean;

  constructor() {
    super();
    this.isPublic = false;
    this.password = '';
    this.keep = true;
  }

  get choice(): ShareChoice {
    if (this.isPublic) return { visibility: 'public', keepInLibrary: this.keep };
    return { visibility: 'private', password: this.password === '' ? undefined : this.password, keepInLibrary: this.keep };
  }

  override render() {
    return html`
      <fieldset>
        <legend>${msg.optionsLegend}</legend>
        <label>
          <input
            type="checkbox"
            data-testid="share-public"
            .checked=${this.isPublic}
            @change=${(e: Event) => (this.isPublic = (e.target as HTMLInputElement).checked)}
          />
          ${msg.optionPublic}
        </label>
        <p class="hint muted">${this.isPublic ? msg.optionPublicHint : msg.optionPrivateHint}</p>
        ${this.isPublic
          ? nothing
          : html`
              <label>
                ${msg.optionPassword}
                <input
                  type="password"
                  autocomplete="new-password"
                  data-testid="share-password"
                  .value=${this.password}
                  @input=${(e: Event) => (this.password = (e.target as HTMLInputElement).value)}
                />
              </label>
              <p class="hint muted">${msg.optionPasswordHint}</p>
            `}
        <label>
          <input
            type="checkbox"
            data-testid="share-keep"
            .checked=${this.keep}
            @change=${(e: Event) => (this.keep = (e.target as HTMLInputElement).checked)}
          />
          ${msg.optionKeep}
        </label>
        <p class="hint muted">${msg.optionKeepHint}</p>
      </fieldset>
    `;
  }
}

defineElement('shoal-share-options', ShoalShareOptions);

declare global {
  interface HTMLElementTagNameMap {
    'shoal-share-options': ShoalShareOptions;
  }
}
