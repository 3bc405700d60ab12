import { describe, expect, it } from 'vitest';
import { PIECE_DOWNLOADING, PIECE_HAD } from '../../src/swarm/piece-map.ts';
import {
  colourTable,
  layoutPieceMap,
  maxMissingAvailability,
  paintPieceMap,
  parseCanvasColour,
  type PaintTarget,
  type PieceMapPalette,
} from '../../src/ui/piece-map-paint.ts';

const palette: PieceMapPalette = {
  had: [0, 100, 200, 1],
  downloading: [200, 150, 0, 1],
  missingRare: [220, 220, 220, 1],
  missingCommon: [100, 100, 100, 1],
  unavailable: [200, 0, 0, 1],
};

/** A raster that records which colour each pixel was last filled with: a canvas, minus anti-aliasing. */
class Raster implements PaintTarget {
  fillStyle: unknown = '';
  fills = 0;
  readonly pixels: string[];
  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    this.pixels = new Array<string>(width * height).fill('');
  }
  clearRect(x: number, y: number, w: number, h: number): void {
    this.fill(x, y, w, h, '');
  }
  fillRect(x: number, y: number, w: number, h: number): void {
    this.fills++;
    this.fill(x, y, w, h, String(this.fillStyle));
  }
  at(x: number, y: number): string {
    return this.pixels[y * this.width + x];
  }
  private fill(x: number, y: number, w: number, h: number, colour: string): void {
    for (let row = y; row < Math.min(this.height, y + h); row++) {
      for (let col = x; col < Math.min(this.width, x + w); col++) this.pixels[row * this.width + col] = colour;
    }
  }
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
    expect(table[PIECE_HAD]).toBe('rgba(0, 100, 200, 1)');
    expect(table[PIECE_DOWNLOADING]).toBe('rgba(200, 150, 0, 1)');
    expect(table[0]).toBe('rgba(200, 0, 0, 1)');
  });

  it('shades missing pieces from rare to common across the availability seen', () => {
    const table = colourTable(palette, 3);
    expect(table[1]).toBe('rgba(220, 220, 220, 1)');
    expect(table[2]).toBe('rgba(160, 160, 160, 1)');
    expect(table[3]).toBe('rgba(100, 100, 100, 1)');
    expect(table[7]).toBe('rgba(100, 100, 100, 1)');
  });

  it('shows a lone holder as rare when every missing piece has one', () => {
    expect(colourTable(palette, 1)[1]).toBe('rgba(220, 220, 220, 1)');
  });
});

describe('maxMissingAvailability', () => {
  it('ignores had and downloading codes', () => {
    expect(maxMissingAvailability(Uint8Array.from([PIECE_HAD, PIECE_DOWNLOADING, 2, 5, 0]))).toBe(5);
    expect(maxMissingAvailability(Uint8Array.from([PIECE_HAD]))).toBe(1);
  });
});

describe('paintPieceMap', () => {
  it('paints each piece in its state colour, with gaps between large cells', () => {
    const states = Uint8Array.from([PIECE_HAD, PIECE_DOWNLOADING, 0, 1]);
    const layout = layoutPieceMap(states.length, 100, 1);
    const raster = new Raster(layout.width, layout.height);
    const table = colourTable(palette, 1);
    paintPieceMap(raster, states, layout, table);
    const centre = (cell: number) => raster.at(cell * layout.pitch + 2, 2);
    expect([0, 1, 2, 3].map(centre)).toEqual([table[PIECE_HAD], table[PIECE_DOWNLOADING], table[0], table[1]]);
    expect(raster.at(layout.pitch - 1, 0)).toBe('');
  });

  it('merges runs of one colour into one fill when cells touch', () => {
    const states = new Uint8Array(16_384).fill(PIECE_HAD);
    states[5] = 1;
    const layout = layoutPieceMap(states.length, 340, 1);
    expect(layout.gap).toBe(0);
    const raster = new Raster(layout.width, layout.height);
    paintPieceMap(raster, states, layout, colourTable(palette, 1));
    // One fill per row, plus two for the row whose run the missing piece splits.
    expect(raster.fills).toBe(layout.rows + 2);
  });

  it('shows the least finished piece of a shared cell', () => {
    const states = new Uint8Array(400).fill(PIECE_HAD);
    states[123] = PIECE_DOWNLOADING;
    const layout = layoutPieceMap(states.length, 10, 1, 10);
    expect(layout.piecesPerCell).toBe(4);
    const raster = new Raster(layout.width, layout.height);
    const table = colourTable(palette, 1);
    paintPieceMap(raster, states, layout, table);
    const cell = Math.floor(123 / 4);
    expect(raster.at(cell % layout.columns, Math.floor(cell / layout.columns))).toBe(table[PIECE_DOWNLOADING]);
    expect(raster.at(0, 0)).toBe(table[PIECE_HAD]);
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
