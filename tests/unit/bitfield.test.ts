import { describe, expect, it } from 'vitest';
import { Bitfield, BitfieldError } from '../../src/chunks/bitfield.ts';

describe('Bitfield', () => {
  it('sets, unsets and counts bits, ignoring repeats', () => {
    const bits = new Bitfield(10);
    expect(bits.count()).toBe(0);
    bits.set(3);
    bits.set(3);
    bits.set(9);
    expect(bits.has(3)).toBe(true);
    expect(bits.has(4)).toBe(false);
    expect(bits.count()).toBe(2);
    bits.unset(3);
    bits.unset(3);
    bits.unset(4);
    expect(bits.count()).toBe(1);
    expect(bits.has(3)).toBe(false);
  });

  it('writes bits MSB-first per byte, as BitTorrent does', () => {
    const bits = new Bitfield(10);
    bits.set(0);
    bits.set(7);
    bits.set(8);
    expect([...bits.toBytes()]).toEqual([0b1000_0001, 0b1000_0000]);
  });

  it('lists missing pieces in order and knows when it is complete', () => {
    const bits = new Bitfield(5);
    bits.set(1);
    bits.set(3);
    expect([...bits.missing()]).toEqual([0, 2, 4]);
    expect(bits.isComplete()).toBe(false);
    for (const i of [...bits.missing()]) bits.set(i);
    expect(bits.isComplete()).toBe(true);
    expect([...bits.missing()]).toEqual([]);
  });

  it('full() has every bit and no spare bits', () => {
    const bits = Bitfield.full(11);
    expect(bits.count()).toBe(11);
    expect(bits.isComplete()).toBe(true);
    expect([...bits.toBytes()]).toEqual([0xff, 0b1110_0000]);
    expect([...Bitfield.full(16).toBytes()]).toEqual([0xff, 0xff]);
    expect(Bitfield.full(0).toBytes().byteLength).toBe(0);
  });

  it('an empty bitfield is complete and has no bytes', () => {
    const bits = new Bitfield(0);
    expect(bits.isComplete()).toBe(true);
    expect(bits.toBytes().byteLength).toBe(0);
    expect(() => bits.has(0)).toThrow(RangeError);
  });

  it('fromBytes round-trips and counts the set bits', () => {
    const bits = Bitfield.fromBytes(new Uint8Array([0b1010_1010, 0b1100_0000]), 10);
    expect(bits.count()).toBe(6);
    expect([...bits.missing()]).toEqual([1, 3, 5, 7]);
    expect([...bits.toBytes()]).toEqual([0b1010_1010, 0b1100_0000]);
  });

  it('fromBytes takes exactly ceil(length / 8) bytes', () => {
    const expectCode = (f: () => unknown, code: BitfieldError['code']) => {
      try {
        f();
      } catch (error) {
        expect(error).toBeInstanceOf(BitfieldError);
        expect((error as BitfieldError).code).toBe(code);
        return;
      }
      expect.fail('no error thrown');
    };
    expectCode(() => Bitfield.fromBytes(new Uint8Array(1), 10), 'wrong-length');
    expectCode(() => Bitfield.fromBytes(new Uint8Array(3), 10), 'wrong-length');
    expectCode(() => Bitfield.fromBytes(new Uint8Array(1), 0), 'wrong-length');
    expectCode(() => Bitfield.fromBytes(new Uint8Array([0, 0b0010_0000]), 10), 'spare-bits-set');
    expectCode(() => Bitfield.fromBytes(new Uint8Array([0b0000_0001]), 7), 'spare-bits-set');
    expect(Bitfield.fromBytes(new Uint8Array([0xff]), 8).count()).toBe(8);
  });

  it('fromBytes copies, so later changes to the input do not leak in', () => {
    const input = new Uint8Array([0xff]);
    const bits = Bitfield.fromBytes(input, 8);
    input[0] = 0;
    expect(bits.count()).toBe(8);
    expect(bits.has(0)).toBe(true);
  });

  it('toBytes and clone are independent copies', () => {
    const bits = new Bitfield(8);
    bits.set(0);
    const bytes = bits.toBytes();
    const copy = bits.clone();
    bits.set(1);
    copy.set(7);
    expect([...bytes]).toEqual([0x80]);
    expect(copy.has(1)).toBe(false);
    expect(bits.has(7)).toBe(false);
    expect(copy.count()).toBe(2);
    expect(copy.length).toBe(8);
  });

  it('throws RangeError for indices out of range or not integers', () => {
    const bits = new Bitfield(9);
    for (const bad of [-1, 9, 1.5, Number.NaN]) {
      expect(() => bits.has(bad)).toThrow(RangeError);
      expect(() => bits.set(bad)).toThrow(RangeError);
      expect(() => bits.unset(bad)).toThrow(RangeError);
    }
    expect(bits.count()).toBe(0);
    expect(() => new Bitfield(-1)).toThrow(RangeError);
    expect(() => new Bitfield(2.5)).toThrow(RangeError);
  });

  it('keeps its running count equal to the real count under random operations', () => {
    const bits = new Bitfield(77);
    let x = 12345;
    for (let n = 0; n < 2000; n++) {
      x = (x * 1103515245 + 12345) % 2 ** 31;
      const i = x % 77;
      if (x & 0x10000) bits.set(i);
      else bits.unset(i);
    }
    let real = 0;
    for (let i = 0; i < 77; i++) if (bits.has(i)) real++;
    expect(bits.count()).toBe(real);
    expect(Bitfield.fromBytes(bits.toBytes(), 77).count()).toBe(real);
  });
});
