import { LitElement, css, html, nothing, svg, type PropertyValues } from 'lit';
import { yieldToPage } from '../yield-to-page.ts';
import { defineElement } from './define.ts';
import { encodeQr, type EncodedQr } from './qr-encode.ts';
import { baseStyles } from './styles.ts';

/** The blank margin scanners need around a code, in modules (ISO/IEC 18004). */
const QUIET_ZONE_MODULES = 4;

/**
 * A QR code of `text`, drawn as one SVG path. Always dark on light, whatever
 * the theme: many scanners cannot read an inverted code.
 */
export class ShoalQrCode extends LitElement {
  static override properties = {
    text: {},
    label: {},
  };

  static override styles = [
    baseStyles,
    css`
      :host {
        display: block;
      }
      svg,
      .pending {
        display: block;
        width: 100%;
        height: auto;
        border-radius: 8px;
      }
      .pending {
        aspect-ratio: 1;
        background: #fff;
      }
    `,
  ];

  declare text: string;
  /** The accessible name, e.g. "QR code of the share link". */
  declare label: string;
  #drawn: (EncodedQr & { text: string }) | null = null;

  constructor() {
    super();
    this.text = '';
    this.label = '';
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('text') && this.text && this.#drawn?.text !== this.text) void this.#drawLater(this.text);
  }

  override render() {
    if (!this.text) return nothing;
    if (this.#drawn?.text !== this.text) return html`<div class="pending"></div>`;
    const { size, path } = this.#drawn;
    const side = size + 2 * QUIET_ZONE_MODULES;
    return html`<svg
      viewBox="${-QUIET_ZONE_MODULES} ${-QUIET_ZONE_MODULES} ${side} ${side}"
      role="img"
      aria-label=${this.label}
      shape-rendering="crispEdges"
      data-modules=${size}
    >
      ${svg`<rect x=${-QUIET_ZONE_MODULES} y=${-QUIET_ZONE_MODULES} width=${side} height=${side} fill="#fff" />
        <path d=${path} fill="#000" />`}
    </svg>`;
  }

  /**
   * Encodes in a task of its own: the code appears a moment after the panel
   * that shows it, whose first render (with the encoding, 43–59 ms of CPU
   * while creating a 256 MiB share) was the costliest task of the creation.
   */
  async #drawLater(text: string): Promise<void> {
    await yieldToPage();
    if (this.text !== text || this.#drawn?.text === text) return;
    this.#drawn = { text, ...encodeQr(text) };
    this.requestUpdate();
  }
}

defineElement('shoal-qr-code', ShoalQrCode);

declare global {
  interface HTMLElementTagNameMap {
    'shoal-qr-code': ShoalQrCode;
  }
}
