import { LitElement, css, html } from 'lit';
import type { PieceMap } from '../app-model.ts';
import { defineElement } from './define.ts';
import { msg } from './messages.ts';
import {
  colourTable,
  layoutPieceMap,
  maxMissingAvailability,
  paintPieceMap,
  parseCanvasColour,
  repaintChangedCells,
  type PieceMapLayout,
  type PieceMapPalette,
  type Rgba,
} from './piece-map-paint.ts';
import { baseStyles } from './styles.ts';

/** The theme token behind each palette entry; the legend's swatches use the same ones. */
const PALETTE_TOKENS: Record<keyof PieceMapPalette, string> = {
  had: '--map-had',
  downloading: '--map-downloading',
  missingRare: '--map-missing-rare',
  missingCommon: '--map-missing-common',
  unavailable: '--map-unavailable',
};

const FALLBACK: Rgba = [128, 128, 128, 1];

/**
 * Every piece of a swarm as a cell on a canvas: had, downloading, or missing
 * shaded by how many peers have it. Repaints only when the map's version,
 * the width, the pixel ratio or the colour scheme changes; the host already
 * limits renders to a few per second.
 */
export class ShoalPieceMap extends LitElement {
  static override properties = { map: { attribute: false } };

  static override styles = [
    baseStyles,
    css`
      :host {
        display: block;
        --map-had: var(--shoal-accent);
        --map-downloading: var(--shoal-warn);
        --map-missing-rare: var(--shoal-border);
        --map-missing-common: var(--shoal-muted);
        --map-unavailable: var(--shoal-danger);
      }
      canvas {
        display: block;
        max-width: 100%;
      }
      ul {
        display: flex;
        flex-wrap: wrap;
        gap: 0.25rem 1rem;
        list-style: none;
        margin: 0.5rem 0 0;
        padding: 0;
        font-size: 0.85rem;
        color: var(--shoal-muted);
      }
      li {
        display: flex;
        align-items: center;
        gap: 0.4rem;
      }
      .swatch {
        width: 0.8rem;
        height: 0.8rem;
        border-radius: 2px;
        flex: none;
      }
      .had {
        background: var(--map-had);
      }
      .downloading {
        background: var(--map-downloading);
      }
      .missing {
        background: linear-gradient(90deg, var(--map-missing-rare), var(--map-missing-common));
      }
      .unavailable {
        background: var(--map-unavailable);
      }
    `,
  ];

  declare map: PieceMap | null;
  #painted: { states: Uint8Array; version: number; widthCss: number; dpr: number; dark: boolean } | null = null;
  #widthCss = 0;
  /** Reused while the canvas keeps its size, so a repaint allocates nothing. */
  #image: ImageData | null = null;
  /** What the canvas shows, cell by cell, so a repaint with the same layout and colours writes only what changed. */
  #shown: { cells: Uint8Array; layout: PieceMapLayout; colours: Uint32Array } | null = null;
  readonly #resize = new ResizeObserver((entries) => {
    this.#widthCss = entries[entries.length - 1].contentRect.width;
    this.#paint();
  });
  readonly #scheme = matchMedia('(prefers-color-scheme: dark)');
  /**
   * Resolved once per colour scheme: reading the theme forces a style
   * recalculation, and at a few repaints a second it cost as much main-thread
   * time as the painting (0.9 s over a 1024-piece download).
   */
  #colours: { dark: boolean; palette: PieceMapPalette } | null = null;
  readonly #onSchemeChange = () => {
    this.#colours = null;
    this.#paint();
  };

  constructor() {
    super();
    this.map = null;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.#resize.observe(this);
    this.#scheme.addEventListener('change', this.#onSchemeChange);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#resize.disconnect();
    this.#scheme.removeEventListener('change', this.#onSchemeChange);
    this.#painted = null;
    this.#image = null;
    this.#shown = null;
    this.#colours = null;
  }

  override render() {
    const map = this.map;
    const label = map ? msg.pieceMapLabel(map.had, map.pieceCount, map.downloading) : '';
    return html`
      <canvas role="img" aria-label=${label} data-testid="piece-map"></canvas>
      <ul aria-hidden="true">
        <li><span class="swatch had"></span>${msg.pieceHad}</li>
        <li><span class="swatch downloading"></span>${msg.pieceDownloading}</li>
        <li><span class="swatch missing"></span>${msg.pieceMissing}</li>
        <li><span class="swatch unavailable"></span>${msg.pieceUnavailable}</li>
      </ul>
    `;
  }

  override updated(): void {
    this.#paint();
  }

  #paint(): void {
    const map = this.map;
    const canvas = this.renderRoot.querySelector('canvas');
    const context = canvas?.getContext('2d');
    if (!map || !canvas || !context || this.#widthCss <= 0) return;
    const dpr = devicePixelRatio;
    const dark = this.#scheme.matches;
    const last = this.#painted;
    if (
      last?.states === map.states &&
      last.version === map.version &&
      last.widthCss === this.#widthCss &&
      last.dpr === dpr &&
      last.dark === dark
    ) {
      return;
    }
    const layout = layoutPieceMap(map.pieceCount, this.#widthCss, dpr);
    if (canvas.width !== layout.width || canvas.height !== layout.height) {
      // Resizing clears the canvas.
      canvas.width = layout.width;
      canvas.height = layout.height;
      canvas.style.width = `${layout.width / dpr}px`;
      canvas.style.height = `${layout.height / dpr}px`;
      this.#shown = null;
    }
    if (this.#image?.width !== layout.width || this.#image.height !== layout.height) {
      this.#image = context.createImageData(layout.width, layout.height);
      this.#shown = null;
    }
    if (this.#colours?.dark !== dark) this.#colours = { dark, palette: this.#palette(context) };
    const colours = colourTable(this.#colours.palette, maxMissingAvailability(map.states));
    const cellCount = Math.ceil(map.states.length / layout.piecesPerCell);
    const shown = this.#shown;
    if (shown?.cells.length === cellCount && sameLayout(shown.layout, layout) && sameColours(shown.colours, colours)) {
      const band = repaintChangedCells(this.#image, map.states, layout, colours, shown.cells);
      if (band) context.putImageData(this.#image, 0, 0, 0, band.top, layout.width, band.bottom - band.top);
    } else {
      const cells = new Uint8Array(cellCount);
      paintPieceMap(this.#image, map.states, layout, colours, cells);
      context.putImageData(this.#image, 0, 0);
      this.#shown = { cells, layout, colours };
    }
    this.#painted = { states: map.states, version: map.version, widthCss: this.#widthCss, dpr, dark };
  }

  /** The theme's colours, resolved to numbers by letting the canvas parse them. */
  #palette(context: CanvasRenderingContext2D): PieceMapPalette {
    const style = getComputedStyle(this);
    const resolve = (token: string): Rgba => {
      context.fillStyle = '#000000';
      context.fillStyle = style.getPropertyValue(token).trim() || '#000000';
      return parseCanvasColour(String(context.fillStyle)) ?? FALLBACK;
    };
    return {
      had: resolve(PALETTE_TOKENS.had),
      downloading: resolve(PALETTE_TOKENS.downloading),
      missingRare: resolve(PALETTE_TOKENS.missingRare),
      missingCommon: resolve(PALETTE_TOKENS.missingCommon),
      unavailable: resolve(PALETTE_TOKENS.unavailable),
    };
  }
}

function sameLayout(a: PieceMapLayout, b: PieceMapLayout): boolean {
  return (
    a.pitch === b.pitch &&
    a.gap === b.gap &&
    a.columns === b.columns &&
    a.rows === b.rows &&
    a.piecesPerCell === b.piecesPerCell &&
    a.width === b.width &&
    a.height === b.height
  );
}

function sameColours(a: Uint32Array, b: Uint32Array): boolean {
  return a.length === b.length && a.every((colour, code) => colour === b[code]);
}

defineElement('shoal-piece-map', ShoalPieceMap);

declare global {
  interface HTMLElementTagNameMap {
    'shoal-piece-map': ShoalPieceMap;
  }
}
