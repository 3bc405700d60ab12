import { describe, expect, it } from 'vitest';
import { PIECE_DOWNLOADING, PIECE_HAD } from '../../src/swarm/piece-map.ts';
import {
  colourTable,
  layoutPieceMap,
  maxMissingAvailability,
  paintPieceMap,
  parseCanvasColour,
  packRgba,
  repaintChangedCells,
  type PieceMapPalette,
} from '../../src/ui/piece-map-paint.ts';

const palette: PieceMapPalette = {
  had: [0, 100, 200, 1],
  downloading: [200, 150, 0, 1],
  missingRare: [220, 220, 220, 1],
  missingCommon: [100, 100, 100, 1],
  unavailable: [200, 0, 0, 1],
};

/** An ImageData-shaped buffer, read back one pixel at a time as "r,g,b,a" (a 0-255). */
function image(width: number, height: number) {
  const data = new Uint8ClampedArray(width * height * 4);
  return {
    data,
    width,
    height,
    at(x: number, y: number): string {
      const i = (y * width + x) * 4;
      return `${data[i]},${data[i + 1]},${data[i + 2]},${data[i + 3]}`;
    },
  };
}

describe('layoutPieceMap', () => {
  it('gives a few pieces large cells with gaps, in one row', () => {
    const layout = layoutPieceMap(8, 340, 1);
    expect(layout).toMatchObject({ pitch: 18, gap: 1, columns: 18, rows: 1, piecesPerCell: 1, height: 17 });
  });

  it('fits 16k pieces in a phone-width map no taller than the limit', () => {
    const layout = layoutPieceMap(16_384, 340, 1);
    expect(layout.piecesPerCell).toBe(1);
    expect(layout.columns * layout.rows).toBeGreaterThanOrEqual(16_384);
    expect(layout.height).toBeLessThanOrEqual(160);
    expect(layout.width).toBeLessThanOrEqual(340);
  });

  it('works in device pixels: twice the pixels at devicePixelRatio 2', () => {
    const one = layoutPieceMap(100, 300, 1);
    const two = layoutPieceMap(100, 300, 2);
    expect(two.pitch).toBe(one.pitch * 2);
    expect(two.columns).toBe(one.columns);
    expect(two.height).toBeLessThanOrEqual(160 * 2);
  });

  it('puts several pieces in a cell when there are more pieces than pixels', () => {
    const layout = layoutPieceMap(1_000_000, 100, 1, 50);
    expect(layout.piecesPerCell).toBe(200);
    expect(layout.height).toBeLessThanOrEqual(50);
  });

  it('survives a zero width or a nonsense pixel ratio', () => {
    expect(layoutPieceMap(10, 0, Number.NaN).width).toBeGreaterThanOrEqual(1);
  });
});

describe('colourTable', () => {
  it('maps had, downloading and unavailable to their colours', () => {
    const table = colourTable(palette, 3);
    expect(table[PIECE_HAD]).toBe(packRgba([0, 100, 200, 1]));
    expect(table[PIECE_DOWNLOADING]).toBe(packRgba([200, 150, 0, 1]));
    expect(table[0]).toBe(packRgba([200, 0, 0, 1]));
  });

  it('shades missing pieces from rare to common across the availability seen', () => {
    const table = colourTable(palette, 3);
    expect(table[1]).toBe(packRgba([220, 220, 220, 1]));
    expect(table[2]).toBe(packRgba([160, 160, 160, 1]));
    expect(table[3]).toBe(packRgba([100, 100, 100, 1]));
    expect(table[7]).toBe(packRgba([100, 100, 100, 1]));
  });

  it('does not flag pieces nobody has while no peer has anything (still connecting)', () => {
    expect(colourTable(palette, 0)[0]).toBe(packRgba([220, 220, 220, 1]));
  });

  it('shows a lone holder as rare when every missing piece has one', () => {
    expect(colourTable(palette, 1)[1]).toBe(packRgba([220, 220, 220, 1]));
  });
});

describe('maxMissingAvailability', () => {
  it('ignores had and downloading codes', () => {
    expect(maxMissingAvailability(Uint8Array.from([PIECE_HAD, PIECE_DOWNLOADING, 2, 5, 0]))).toBe(5);
    expect(maxMissingAvailability(Uint8Array.from([PIECE_HAD]))).toBe(0);
    expect(maxMissingAvailability(Uint8Array.from([0, 0, PIECE_DOWNLOADING]))).toBe(0);
  });
});

describe('paintPieceMap', () => {
  const HAD = '0,100,200,255';
  const DOWNLOADING = '200,150,0,255';
  const UNAVAILABLE = '200,0,0,255';
  const RARE = '220,220,220,255';
  const GAP = '0,0,0,0';

  it('paints each piece in its state colour, with transparent gaps between large cells', () => {
    const states = Uint8Array.from([PIECE_HAD, PIECE_DOWNLOADING, 0, 1]);
    const layout = layoutPieceMap(states.length, 100, 1);
    const out = image(layout.width, layout.height);
    paintPieceMap(out, states, layout, colourTable(palette, 1));
    const centre = (cell: number) => out.at(cell * layout.pitch + 2, 2);
    expect([0, 1, 2, 3].map(centre)).toEqual([HAD, DOWNLOADING, UNAVAILABLE, RARE]);
    expect(out.at(layout.pitch - 1, 0)).toBe(GAP);
  });

  it('places pieces row by row, and clears what an earlier paint left', () => {
    const states = new Uint8Array(16_384).fill(PIECE_HAD);
    states[5] = 1;
    const layout = layoutPieceMap(states.length, 340, 1);
    expect(layout.gap).toBe(0);
    const out = image(layout.width, layout.height);
    out.data.fill(77);
    paintPieceMap(out, states, layout, colourTable(palette, 1));
    const last = states.length - 1;
    expect(out.at(5 * layout.pitch, 0)).toBe(RARE);
    expect(out.at(4 * layout.pitch, 0)).toBe(HAD);
    expect(out.at((last % layout.columns) * layout.pitch, Math.floor(last / layout.columns) * layout.pitch)).toBe(HAD);
    // Cells past the last piece on the bottom row stay empty.
    if (states.length % layout.columns !== 0) expect(out.at(layout.width - 1, layout.height - 1)).toBe(GAP);
  });

  it('shows the least finished piece of a shared cell', () => {
    const states = new Uint8Array(400).fill(PIECE_HAD);
    states[123] = PIECE_DOWNLOADING;
    const layout = layoutPieceMap(states.length, 10, 1, 10);
    expect(layout.piecesPerCell).toBe(4);
    const out = image(layout.width, layout.height);
    paintPieceMap(out, states, layout, colourTable(palette, 1));
    const cell = Math.floor(123 / 4);
    expect(out.at(cell % layout.columns, Math.floor(cell / layout.columns))).toBe(DOWNLOADING);
    expect(out.at(0, 0)).toBe(HAD);
  });
});

describe('repaintChangedCells', () => {
  it('writes only the cells that changed, leaving the buffer as a full paint would', () => {
    const before = new Uint8Array(1024).fill(1);
    before[3] = PIECE_HAD;
    const layout = layoutPieceMap(before.length, 400, 1);
    const colours = colourTable(palette, 1);
    const out = image(layout.width, layout.height);
    const shown = new Uint8Array(before.length);
    paintPieceMap(out, before, layout, colours, shown);
    expect(shown[3]).toBe(PIECE_HAD);

    const after = before.slice();
    after[700] = PIECE_DOWNLOADING;
    after[701] = PIECE_HAD;
    // A pixel of an unchanged cell, overwritten: a repaint that touched it would restore it.
    out.data.fill(9, 0, 4);
    const band = repaintChangedCells(out, after, layout, colours, shown);
    const row = Math.floor(700 / layout.columns) * layout.pitch;
    expect(band).toEqual({ top: row, bottom: row + layout.pitch - layout.gap });
    expect(out.at(0, 0)).toBe('9,9,9,9');
    const full = image(layout.width, layout.height);
    paintPieceMap(full, after, layout, colours);
    out.data.set(full.data.subarray(0, 4), 0);
    expect(Buffer.from(out.data).equals(Buffer.from(full.data))).toBe(true);
    expect([shown[700], shown[701]]).toEqual([PIECE_DOWNLOADING, PIECE_HAD]);
    expect(repaintChangedCells(out, after, layout, colours, shown)).toBeNull();
  });
});

describe('parseCanvasColour', () => {
  it.each([
    ['#0b7285', [11, 114, 133, 1]],
    ['rgba(79, 198, 217, 0.5)', [79, 198, 217, 0.5]],
    ['rgb(1, 2, 3)', [1, 2, 3, 1]],
  ])('reads %s', (text, rgba) => {
    expect(parseCanvasColour(text)).toEqual(rgba);
  });

  it('gives up on forms a canvas does not produce', () => {
    expect(parseCanvasColour('color(srgb 1 0 0)')).toBeNull();
  });
});
