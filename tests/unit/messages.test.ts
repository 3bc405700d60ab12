import { describe, expect, it } from 'vitest';
import type { ShoalErrorCode } from '../../src/app-model.ts';
import { CATALOGUES, LOCALES, pickLocale } from '../../src/ui/locale.ts';
import { en, errorMessage, useMessages, type Messages } from '../../src/ui/messages.ts';
import { zh } from '../../src/ui/messages-zh.ts';

/** Words that stay as they are in every language: names, key caps, the .zip format and the sample argument. */
const NAMES = /Shoal|Ctrl|Mac|sample\.txt|\.zip/g;

/** Every string a catalogue entry can produce: the text, or the function's output for sample arguments. */
function outputs(value: Messages[keyof Messages]): string[] {
  if (typeof value === 'string') return [value];
  const call = value as (...args: unknown[]) => string;
  // 1 and 7 walk both branches of the plural functions; strings fill the placeholders.
  return [1, 7, 'sample.txt'].map((sample) => call(...Array<unknown>(call.length).fill(sample)));
}

const HAN = /\p{Script=Han}/u;

describe('message catalogues', () => {
  it('every catalogue has exactly the English keys, with the same kinds of value', () => {
    for (const locale of LOCALES) {
      const catalogue = CATALOGUES[locale];
      expect(Object.keys(catalogue).sort(), locale).toEqual(Object.keys(en).sort());
      for (const key of Object.keys(en) as Array<keyof Messages>) {
        expect(typeof catalogue[key], `${locale}.${key}`).toBe(typeof en[key]);
        if (typeof en[key] === 'function') {
          expect((catalogue[key] as () => string).length, `${locale}.${key} arity`).toBe((en[key] as () => string).length);
        }
      }
    }
  });

  it('every entry yields a non-empty string', () => {
    for (const locale of LOCALES) {
      for (const [key, value] of Object.entries(CATALOGUES[locale])) {
        for (const text of outputs(value as Messages[keyof Messages])) {
          expect(typeof text, `${locale}.${key}`).toBe('string');
          expect(text.trim().length, `${locale}.${key}`).toBeGreaterThan(0);
        }
      }
    }
  });

  it('fills in placeholders', () => {
    expect(zh.libraryDeleteLabel('cat.jpg')).toContain('cat.jpg');
    expect(zh.bytesOf('1.0 MiB', '2.0 MiB')).toBe('1.0 MiB / 2.0 MiB');
    expect(zh.phaseDownloading(3)).toContain('3');
  });

  it('leaves no English prose in the Chinese catalogue', () => {
    for (const key of Object.keys(zh) as Array<keyof Messages>) {
      if (key === 'lang') continue;
      for (const text of outputs(zh[key])) {
        expect(text.replace(NAMES, ''), `zh.${key}`).not.toMatch(/[A-Za-z]{2,}/);
      }
    }
    expect(zh.lang).toBe('zh-CN');
  });

  it('translates the error sentence for every error code', () => {
    const codes: ShoalErrorCode[] = [
      'bad-link',
      'signaling-unreachable',
      'manifest-mismatch',
      'storage-full',
      'library-full',
      'hashing-failed',
      'source-unreadable',
      'save-failed',
      'unknown',
    ];
    try {
      useMessages(zh);
      for (const code of codes) expect(errorMessage(code, 'detail'), code).toMatch(HAN);
      useMessages(en);
      for (const code of codes) expect(errorMessage(code, 'detail'), code).not.toMatch(HAN);
    } finally {
      useMessages(en);
    }
  });
});

describe('pickLocale', () => {
  it.each([
    [null, ['zh-CN', 'en'], 'zh'],
    [null, ['zh-TW'], 'zh'],
    [null, ['ZH'], 'zh'],
    [null, ['en-GB', 'zh-CN'], 'en'],
    [null, ['fr-FR', 'zh-CN'], 'zh'],
    [null, ['fr-FR', 'de'], 'en'],
    [null, [], 'en'],
    ['zh', ['en-US'], 'zh'],
    ['en', ['zh-CN'], 'en'],
    ['klingon', ['zh-CN'], 'zh'],
    ['', ['en'], 'en'],
  ] as const)('stored %j, browser %j → %s', (stored, preferred, expected) => {
    expect(pickLocale(stored, preferred)).toBe(expected);
  });

  it('does not take inherited object keys for a locale', () => {
    expect(pickLocale('constructor', ['toString'])).toBe('en');
  });
});
