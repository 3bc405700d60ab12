import { en, msg, useMessages, type Messages } from './messages.ts';
import { zh } from './messages-zh.ts';

export type Locale = 'en' | 'zh';

export const CATALOGUES: Readonly<Record<Locale, Messages>> = { en, zh };
export const LOCALES = Object.keys(CATALOGUES) as readonly Locale[];

const STORAGE_KEY = 'shoal-locale';

function isLocale(value: string | null): value is Locale {
  return value !== null && Object.hasOwn(CATALOGUES, value);
}

/**
 * The language to show: the one the user picked before, else the first of
 * the browser's preferred languages we have (any Chinese variant reads the
 * simplified catalogue), else English.
 */
export function pickLocale(stored: string | null, preferred: readonly string[]): Locale {
  if (isLocale(stored)) return stored;
  for (const tag of preferred) {
    const primary = tag.toLowerCase().split('-')[0] ?? '';
    if (isLocale(primary)) return primary;
  }
  return 'en';
}

export function currentLocale(): Locale {
  return LOCALES.find((locale) => CATALOGUES[locale] === msg) ?? 'en';
}

const listeners = new Set<() => void>();

/** Calls `onChange` after every switch; returns its disposer. */
export function onLocaleChanged(onChange: () => void): () => void {
  listeners.add(onChange);
  return () => listeners.delete(onChange);
}

/** Applies the language found at startup without remembering it as a choice. */
export function initLocale(): void {
  apply(pickLocale(readStored(), navigator.languages));
}

/** The user's choice: applied, remembered, and announced so the UI re-renders. */
export function chooseLocale(locale: Locale): void {
  try {
    localStorage.setItem(STORAGE_KEY, locale);
  } catch (err) {
    // Storage may be disabled; the switch still works for this visit.
    console.warn('shoal: could not remember the language', err);
  }
  apply(locale);
  for (const listener of listeners) listener();
}

function apply(locale: Locale): void {
  const catalogue = CATALOGUES[locale];
  useMessages(catalogue);
  document.documentElement.lang = catalogue.lang;
  document.title = catalogue.pageTitle;
}

function readStored(): string | null {
  try {
    return localStorage.getItem(STORAGE_KEY);
  } catch (err) {
    console.warn('shoal: could not read the remembered language', err);
    return null;
  }
}
