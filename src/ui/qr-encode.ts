import { generate, mode } from 'lean-qr';
import { toSvgPath } from 'lean-qr/extras/svg';

/**
 * The modes lean-qr's automatic encoding weighs, less Shift JIS (kanji).
 * Weighing that one first builds a table of 7,973 characters, one
 * `TextDecoder` call each: the first code a page drew took 24–32 ms in Node
 * instead of 10–13, and in the browser it made the share panel's first
 * render the costliest task of creating a share. A link is ASCII, for which
 * the code is the same; other text encodes as UTF-8.
 */
const MODES = [mode.numeric, mode.alphaNumeric, mode.ascii, mode.iso8859_1, mode.utf8];

export interface EncodedQr {
  /** Modules per side. */
  size: number;
  /** The dark modules as one SVG path, one unit per module. */
  path: string;
}

export function encodeQr(text: string): EncodedQr {
  const code = generate(text, { modes: MODES });
  return { size: code.size, path: toSvgPath(code) };
}
