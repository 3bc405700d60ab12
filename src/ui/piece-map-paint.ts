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
 * A CSS colour for every state code. Availability is shaded relative to the
 * best-supplied missing piece, so the map shows where the swarm is thin
 * whether it has two peers or two hundred.
 */
export function colourTable(palette: PieceMapPalette, maxAvailability: number): string[] {
  const table = new Array<string>(256);
  const span = Math.max(1, Math.min(MAX_AVAILABILITY_CODE, maxAvailability) - 1);
  for (let code = 0; code <= MAX_AVAILABILITY_CODE; code++) {
    if (code === 0) table[code] = cssColour(palette.unavailable);
    else table[code] = cssColour(mix(palette.missingRare, palette.missingCommon, Math.min(1, (code - 1) / span)));
  }
  table[PIECE_DOWNLOADING] = cssColour(palette.downloading);
  table[PIECE_HAD] = cssColour(palette.had);
  return table;
}

/** The highest availability among missing pieces (1 when none is missing or known). */
export function maxMissingAvailability(states: Uint8Array): number {
  let max = 1;
  for (const code of states) if (code < PIECE_DOWNLOADING && code > max) max = code;
  return max;
}

/** What a canvas context offers that painting needs. */
export interface PaintTarget {
  fillStyle: unknown;
  clearRect(x: number, y: number, w: number, h: number): void;
  fillRect(x: number, y: number, w: number, h: number): void;
}

/**
 * Paints every cell. A cell holding several pieces shows the least finished
 * of them (codes order missing < downloading < had). Without gaps, runs of
 * one colour along a row become one rectangle, so a mostly done map of 16k
 * pieces is a few hundred fills.
 */
export function paintPieceMap(target: PaintTarget, states: Uint8Array, layout: PieceMapLayout, colours: string[]): void {
  const { pitch, gap, columns, piecesPerCell } = layout;
  const cell = pitch - gap;
  const cellCount = Math.ceil(states.length / piecesPerCell);
  target.clearRect(0, 0, layout.width, layout.height);
  for (let row = 0; row * columns < cellCount; row++) {
    const first = row * columns;
    const end = Math.min(cellCount, first + columns);
    let runStart = first;
    let runCode = cellCode(states, first, piecesPerCell);
    for (let c = first + 1; c <= end; c++) {
      const code = c < end ? cellCode(states, c, piecesPerCell) : -1;
      if (gap === 0 && code === runCode) continue;
      target.fillStyle = colours[runCode];
      const x = (runStart - first) * pitch;
      target.fillRect(x, row * pitch, (c - runStart) * pitch - gap, cell);
      runStart = c;
      runCode = code;
    }
  }
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

function cssColour([r, g, b, a]: Rgba): string {
  return `rgba(${Math.round(r)}, ${Math.round(g)}, ${Math.round(b)}, ${Math.round(a * 1000) / 1000})`;
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
