import { LitElement, css, html, nothing, svg } from 'lit';
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
      svg {
        display: block;
        width: 100%;
        height: auto;
        border-radius: 8px;
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

  override render() {
    if (!this.text) return nothing;
    const { size, path } = this.#draw(this.text);
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

  /** Encoding is the costly part and the link never changes, so keep the last drawing. */
  #draw(text: string): EncodedQr {
    if (this.#drawn?.text !== text) this.#drawn = { text, ...encodeQr(text) };
    return this.#drawn;
  }
}

defineElement('shoal-qr-code', ShoalQrCode);

declare global {
  interface HTMLElementTagNameMap {
    'shoal-qr-code': ShoalQrCode;
  }
}
