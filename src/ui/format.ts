/**
 * Pure formatting for numbers the UI shows. Invalid input (negative, NaN,
 * infinite) renders as a dash instead of throwing: a glitchy counter must not
 * take the whole view down with it.
 */

const INVALID = '—';
const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'] as const;
const STEP = 1024;

function isCount(n: number): boolean {
  return Number.isFinite(n) && n >= 0;
}

/** 512 → "512 B", 1536 → "1.5 KiB"; one decimal above bytes, binary units. */
export function formatBytes(bytes: number): string {
  if (!isCount(bytes)) return INVALID;
  if (bytes < STEP) return `${Math.round(bytes)} B`;
  let value = bytes;
  let unit = 0;
  // Compare the rounded value so 1023.96 KiB shows as "1.0 MiB", not "1024.0 KiB".
  while (unit < BYTE_UNITS.length - 1 && Number(value.toFixed(1)) >= STEP) {
    value /= STEP;
    unit += 1;
  }
  return `${value.toFixed(1)} ${BYTE_UNITS[unit]}`;
}

/** Bytes per second → "1.5 MiB/s". */
export function formatRate(bytesPerSecond: number): string {
  if (!isCount(bytesPerSecond)) return INVALID;
  return `${formatBytes(bytesPerSecond)}/s`;
}

/** done/total clamped to [0, 1]; 0 when the total is unknown (zero or invalid). */
export function progressFraction(done: number, total: number): number {
  if (!isCount(done) || !isCount(total) || total === 0) return 0;
  return Math.min(1, done / total);
}

/**
 * 0.4237 → "42.3%". Rounds down so a transfer never reads "100%" before it
 * has really finished.
 */
export function formatPercent(fraction: number): string {
  if (!Number.isFinite(fraction)) return INVALID;
  const clamped = Math.min(1, Math.max(0, fraction));
  const tenths = Math.floor(clamped * 1000 + 1e-9) / 10;
  return Number.isInteger(tenths) ? `${tenths}%` : `${tenths.toFixed(1)}%`;
}

// Controls and bidi overrides in a peer-provided name could disguise it
// ("invoice\u202Efdp.exe" displays as "invoiceexe.pdf"); show them as U+FFFD.
const UNSAFE_DISPLAY_CHARS = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** Text from peers made safe to display: control and bidi-control characters replaced. */
export function displayText(text: string): string {
  return text.replace(UNSAFE_DISPLAY_CHARS, '\uFFFD');
}

/** A time left, rounded as a person would say it ("about 40 s", "about 2 min", "about 1 h 15 min"). */
export type RoughDuration =
  | { unit: 'few-seconds' }
  | { unit: 'seconds'; seconds: number }
  | { unit: 'minutes'; minutes: number }
  | { unit: 'hours'; hours: number; minutes: number };

/** Seconds → a rough duration: tens of seconds, whole minutes, hours with 5-minute steps below 10 h. */
export function roughDuration(seconds: number): RoughDuration | null {
  if (!isCount(seconds)) return null;
  if (seconds < 10) return { unit: 'few-seconds' };
  const tens = Math.round(seconds / 10) * 10;
  if (tens < 60) return { unit: 'seconds', seconds: tens };
  const minutes = Math.max(1, Math.round(seconds / 60));
  if (minutes < 60) return { unit: 'minutes', minutes };
  const totalMinutes = seconds >= 10 * 3600 ? Math.round(seconds / 3600) * 60 : Math.round(seconds / 300) * 5;
  return { unit: 'hours', hours: Math.floor(totalMinutes / 60), minutes: totalMinutes % 60 };
}

/** The first characters of a peer id: enough to tell peers apart in a list. */
export function shortPeerId(peerId: string): string {
  return peerId.slice(0, 8);
}

const dateTimeFormats = new Map<string, Intl.DateTimeFormat>();

/** A moment as "29 Nov 2026, 18:43" in the reader's language (`lang` is a BCP 47 tag). */
export function formatDateTime(ms: number, lang: string): string {
  let format = dateTimeFormats.get(lang);
  if (!format) {
    format = new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'short' });
    dateTimeFormats.set(lang, format);
  }
  return format.format(ms);
}
