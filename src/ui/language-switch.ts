import { LitElement, css, html } from 'lit';
import { defineElement } from './define.ts';
import { CATALOGUES, LOCALES, chooseLocale, currentLocale } from './locale.ts';
import { msg } from './messages.ts';
import { baseStyles } from './styles.ts';

/** One button per language, each labelled in its own language so anyone can find theirs. */
export class ShoalLanguageSwitch extends LitElement {
  static override styles = [
    baseStyles,
    css`
      :host {
        display: block;
      }
      [role='group'] {
        display: inline-flex;
        border: 1px solid var(--shoal-border);
        border-radius: 10px;
        overflow: hidden;
      }
      button {
        min-height: 36px;
        padding: 0.2rem 0.8rem;
        border: none;
        border-radius: 0;
        font-weight: 500;
      }
      button[aria-pressed='true'] {
        background: var(--shoal-accent);
        color: var(--shoal-on-accent);
        font-weight: 700;
      }
      /* Outranks the base hover colour, which would leave light text on a light background. */
      button[aria-pressed='true']:hover:not(:disabled) {
        background: var(--shoal-accent-hover);
      }
      button:focus-visible {
        outline-offset: -3px;
      }
    `,
  ];

  override render() {
    const active = currentLocale();
    return html`
      <div role="group" aria-label=${msg.languageSwitchLabel}>
        ${LOCALES.map(
          (locale) => html`<button
            type="button"
            lang=${CATALOGUES[locale].lang}
            aria-pressed=${locale === active ? 'true' : 'false'}
            @click=${() => locale !== currentLocale() && chooseLocale(locale)}
          >
            ${CATALOGUES[locale].languageName}
          </button>`,
        )}
      </div>
    `;
  }
}

defineElement('shoal-language-switch', ShoalLanguageSwitch);

declare global {
  interface HTMLElementTagNameMap {
    'shoal-language-switch': ShoalLanguageSwitch;
  }
}
