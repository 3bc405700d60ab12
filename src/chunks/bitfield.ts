import { CodedError } from '../coded-error.ts';
export type BitfieldErrorCode = 'wrong-length' | 'spare-bits-set';

export class BitfieldError extends CodedError<BitfieldErrorCode> {
  override name = 'BitfieldError';
}

/**
 * One bit per piece, stored MSB-first per byte as BitTorrent sends it, so
 * `toBytes()` is the wire form. The set-bit count is kept up to date so
 * progress and completeness checks are O(1).
 */
export class Bitfield {
  readonly length: number;
  private readonly bits: Uint8Array;
  private setCount = 0;

  constructor(length: number) {
    if (!Number.isSafeInteger(length) || length < 0) {
      throw new RangeError(`bitfield length must be a non-negative integer, got ${length}`);
    }
    this.length = length;
    this.bits = new Uint8Array(byteLengthFor(length));
  }

  static full(length: number): Bitfield {
    const field = new Bitfield(length);
    field.bits.fill(0xff);
    const spare = field.bits.byteLength * 8 - length;
    if (spare > 0) field.bits[field.bits.byteLength - 1] = (0xff << spare) & 0xff;
    field.setCount = length;
    return field;
  }

  /** Exactly ceil(length / 8) bytes with the spare trailing bits zero, else BitfieldError. */
  static fromBytes(bytes: Uint8Array, length: number): Bitfield {
    const field = new Bitfield(length);
    if (bytes.byteLength !== field.bits.byteLength) {
      throw new BitfieldError('wrong-length', `expected ${field.bits.byteLength} bytes, got ${bytes.byteLength}`);
    }
    const spare = field.bits.byteLength * 8 - length;
    if (spare > 0 && (bytes[bytes.byteLength - 1] & ((1 << spare) - 1)) !== 0) {
      throw new BitfieldError('spare-bits-set', 'bits past the last piece are set');
    }
    field.bits.set(bytes);
    for (const b of field.bits) field.setCount += popcount(b);
    return field;
  }

  has(index: number): boolean {
    this.check(index);
    return (this.bits[index >> 3] & maskOf(index)) !== 0;
  }

  set(index: number): void {
    if (this.has(index)) return;
    this.bits[index >> 3] |= maskOf(index);
    this.setCount++;
  }

  unset(index: number): void {
    if (!this.has(index)) return;
    this.bits[index >> 3] &= ~maskOf(index);
    this.setCount--;
  }

  count(): number {
    return this.setCount;
  }

  isComplete(): boolean {
    return this.setCount === this.length;
  }

  *missing(): Iterable<number> {
    for (let i = 0; i < this.length; i++) if (!this.has(i)) yield i;
  }

  /** A copy: the caller may keep or send it while this field changes. */
  toBytes(): Uint8Array {
    return this.bits.slice();
  }

  clone(): Bitfield {
    return Bitfield.fromBytes(this.bits, this.length);
  }

  private check(index: number): void {
    if (!Number.isInteger(index) || index < 0 || index >= this.length) {
      throw new RangeError(`bit ${index} out of range 0..${this.length - 1}`);
    }
  }
}

function byteLengthFor(length: number): number {
  return Math.ceil(length / 8);
}

function maskOf(index: number): number {
  return 0x80 >> (index & 7);
}

function popcount(byte: number): number {
  let n = 0;
  for (let b = byte; b !== 0; b &= b - 1) n++;
  return n;
}
