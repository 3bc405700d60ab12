import { MAX_AVAILABILITY_CODE, PIECE_DOWNLOADING, PIECE_HAD } from '../swarm/piece-map.ts';

/** Largest cell, in CSS pixels: a share of a few pieces still reads as a map, not as giant tiles. */
const MAX_PITCH_CSS = 18;
/** Cells this big (CSS px) or more get a one-pixel gap between them. */
const GAP_FROM_PITCH_CSS = 5;
export const MAX_MAP_HEIGHT_CSS = 160;

/** Where the cells go, in device pixels. */
export interface PieceMapLayout {
  /** Cell size plus gap. */
  pitch: number;
  gap: number;
  columns: number;
  rows: number;
  /** Pieces drawn in one cell: 1 unless the share has more pieces than the area has pixels. */
  piecesPerCell: number;
  width: number;
  height: number;
}

/**
 * The largest square cells that fit all pieces in the width without the map
 * growing taller than `maxHeightCss`; with more pieces than pixels, several
 * pieces share a cell.
 */
export function layoutPieceMap(
  pieceCount: number,
  widthCss: number,
  devicePixelRatio: number,
  maxHeightCss = MAX_MAP_HEIGHT_CSS,
): PieceMapLayout {
  const dpr = devicePixelRatio > 0 && Number.isFinite(devicePixelRatio) ? devicePixelRatio : 1;
  const width = Math.max(1, Math.floor(widthCss * dpr));
  const maxHeight = Math.max(1, Math.floor(maxHeightCss * dpr));
  const cells = Math.max(1, pieceCount);
  for (let pitch = Math.max(1, Math.round(MAX_PITCH_CSS * dpr)); pitch > 1; pitch--) {
    const gap = pitch >= GAP_FROM_PITCH_CSS * dpr ? Math.max(1, Math.round(dpr)) : 0;
    const columns = Math.max(1, Math.floor((width + gap) / pitch));
    const rows = Math.ceil(cells / columns);
    if (rows * pitch - gap <= maxHeight) {
      return { pitch, gap, columns, rows, piecesPerCell: 1, width: columns * pitch - gap, height: rows * pitch - gap };
    }
  }
  const piecesPerCell = Math.max(1, Math.ceil(cells / (width * maxHeight)));
  const rows = Math.ceil(Math.ceil(cells / piecesPerCell) / width);
  return { pitch: 1, gap: 0, columns: width, rows, piecesPerCell, width, height: rows };
}

export type Rgba = readonly [number, number, number, number];

/** The theme's colours for the map, already resolved. */
export interface PieceMapPalette {
  had: Rgba;
  downloading: Rgba;
  /** Missing, one peer has it. */
  missingRare: Rgba;
  /** Missing, the most peers of any missing piece have it. */
  missingCommon: Rgba;
  /** Missing and no connected peer has it. */
  unavailable: Rgba;
}

/**
 * The colour of every state code, packed as image pixels (see `packRgba`).
 * Availability is shaded relative to the best-supplied missing piece, so the
 * map shows where the swarm is thin whether it has two peers or two hundred.
 * Pieces nobody has stand out only while others are available: with no peers
 * at all (still connecting) every missing piece looks merely missing.
 */
export function colourTable(palette: PieceMapPalette, maxAvailability: number): Uint32Array {
  const table = new Uint32Array(256);
  const span = Math.max(1, Math.min(MAX_AVAILABILITY_CODE, maxAvailability) - 1);
  table[0] = packRgba(maxAvailability > 0 ? palette.unavailable : palette.missingRare);
  for (let code = 1; code <= MAX_AVAILABILITY_CODE; code++) {
    table[code] = packRgba(mix(palette.missingRare, palette.missingCommon, Math.min(1, (code - 1) / span)));
  }
  table[PIECE_DOWNLOADING] = packRgba(palette.downloading);
  table[PIECE_HAD] = packRgba(palette.had);
  return table;
}

/** The highest availability among missing pieces (0 when none is missing or no peer has any). */
export function maxMissingAvailability(states: Uint8Array): number {
  let max = 0;
  for (const code of states) if (code < PIECE_DOWNLOADING && code > max) max = code;
  return max;
}

/** RGBA pixels, row by row, as in `ImageData`. */
export interface PixelBuffer {
  readonly data: Uint8ClampedArray;
  readonly width: number;
  readonly height: number;
}

/** Rows of the pixel buffer a paint wrote, `top` inclusive, `bottom` exclusive. */
export interface RowBand {
  top: number;
  bottom: number;
}

/**
 * Writes every cell into the pixel buffer (gaps stay transparent); the
 * caller puts it on the canvas in one call. A cell holding several pieces
 * shows the least finished of them (codes order missing < downloading < had).
 * Touching pixels directly keeps a 16k-piece repaint to a millisecond or so,
 * where one fillRect per cell would parse a colour string per cell.
 * `shown`, if given (one entry per cell), receives the code painted in each.
 */
export function paintPieceMap(
  image: PixelBuffer,
  states: Uint8Array,
  layout: PieceMapLayout,
  colours: Uint32Array,
  shown?: Uint8Array,
): void {
  pixelsOf(image).fill(0);
  paintCells(image, states, layout, colours, shown ?? null, false);
}

/**
 * Repaints only the cells whose code differs from `shown`, the codes the
 * buffer holds from the last paint with this layout and these colours, and
 * updates `shown`. Returns the rows written (null: nothing changed), so the
 * caller puts only those on the canvas: a download changes a few cells per
 * repaint, and repainting all of them cost a second of main thread over a
 * 1024-piece download.
 */
export function repaintChangedCells(
  image: PixelBuffer,
  states: Uint8Array,
  layout: PieceMapLayout,
  colours: Uint32Array,
  shown: Uint8Array,
): RowBand | null {
  return paintCells(image, states, layout, colours, shown, true);
}

function paintCells(
  image: PixelBuffer,
  states: Uint8Array,
  layout: PieceMapLayout,
  colours: Uint32Array,
  shown: Uint8Array | null,
  changedOnly: boolean,
): RowBand | null {
  const pixels = pixelsOf(image);
  const { pitch, gap, columns, piecesPerCell } = layout;
  const cell = pitch - gap;
  const cellCount = Math.ceil(states.length / piecesPerCell);
  let top = Infinity;
  let bottom = -Infinity;
  for (let c = 0; c < cellCount; c++) {
    const code = cellCode(states, c, piecesPerCell);
    if (changedOnly && shown![c] === code) continue;
    if (shown) shown[c] = code;
    const colour = colours[code];
    const x0 = (c % columns) * pitch;
    const y0 = Math.floor(c / columns) * pitch;
    const x1 = Math.min(image.width, x0 + cell);
    const y1 = Math.min(image.height, y0 + cell);
    for (let y = y0; y < y1; y++) pixels.fill(colour, y * image.width + x0, y * image.width + x1);
    top = Math.min(top, y0);
    bottom = Math.max(bottom, y1);
  }
  return top < bottom ? { top, bottom } : null;
}

function pixelsOf(image: PixelBuffer): Uint32Array {
  return new Uint32Array(image.data.buffer, image.data.byteOffset, image.width * image.height);
}

function cellCode(states: Uint8Array, cell: number, piecesPerCell: number): number {
  if (piecesPerCell === 1) return states[cell];
  let least = PIECE_HAD;
  const end = Math.min(states.length, (cell + 1) * piecesPerCell);
  for (let i = cell * piecesPerCell; i < end; i++) if (states[i] < least) least = states[i];
  return least;
}

function mix(a: Rgba, b: Rgba, t: number): Rgba {
  return [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t, a[3] + (b[3] - a[3]) * t];
}

/** One pixel as a Uint32 over ImageData bytes (R, G, B, A in memory; little-endian, as every browser runs). */
export function packRgba([r, g, b, a]: Rgba): number {
  const byte = (v: number) => Math.max(0, Math.min(255, Math.round(v)));
  return ((byte(a * 255) << 24) | (byte(b) << 16) | (byte(g) << 8) | byte(r)) >>> 0;
}

/**
 * Reads a colour as a canvas context normalises it: "#rrggbb" or
 * "rgba(r, g, b, a)". Anything else (a browser with another form) is null.
 */
export function parseCanvasColour(text: string): Rgba | null {
  const hex = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(text.trim());
  if (hex) return [parseInt(hex[1], 16), parseInt(hex[2], 16), parseInt(hex[3], 16), 1];
  const rgba = /^rgba?\(\s*([\d.]+)\s*,\s*([\d.]+)\s*,\s*([\d.]+)\s*(?:,\s*([\d.]+)\s*)?\)$/i.exec(text.trim());
  if (rgba) return [Number(rgba[1]), Number(rgba[2]), Number(rgba[3]), rgba[4] === undefined ? 1 : Number(rgba[4])];
  return null;
}
