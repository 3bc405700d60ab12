import { generate } from 'lean-qr';
import { toSvgPath } from 'lean-qr/extras/svg';
import { describe, expect, it } from 'vitest';
import { encodeBase64url } from '../../src/chunks/base64url.ts';
import { encodeQr } from '../../src/ui/qr-encode.ts';
import { seededBytes } from '../support/content.ts';

const fragments = {
  public: encodeBase64url(seededBytes(32, 1)),
  private: `k1.${encodeBase64url(seededBytes(32, 2))}`,
  password: `pw1.${encodeBase64url(seededBytes(70, 3))}`,
};

describe('QR codes of share links', () => {
  it.each(
    Object.entries(fragments).flatMap(([kind, fragment]) => [
      [kind, `http://localhost:8080/#${fragment}`],
      [kind, `https://shoal.example.org/share/#${fragment}`],
    ]),
  )('a %s link (%s) gets the code lean-qr would choose with every mode', (_kind, link) => {
    const full = generate(link);
    expect(encodeQr(link)).toEqual({ size: full.size, path: toSvgPath(full) });
  });

  it('still encodes text outside Latin-1, as UTF-8', () => {
    const text = 'https://shoal.example.org/#共有ファイル';
    const { size, path } = encodeQr(text);
    expect(size).toBeGreaterThanOrEqual(generate(text).size);
    expect(path.length).toBeGreaterThan(0);
  });
});
