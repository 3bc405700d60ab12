/** Structured logs: one JSON object per line, filtered by level. */

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];

export interface LogLine {
  level: LogLevel;
  msg: string;
  [field: string]: unknown;
}

export type Log = (line: LogLine) => void;

/**
 * Callers never pass SDP bodies or secrets; this is the one place lines
 * become text, so it is also where a newline in a field can't split a line
 * (JSON.stringify escapes it).
 */
export function jsonLogger(minLevel: LogLevel, write: (text: string) => void, now: () => Date = () => new Date()): Log {
  const min = LOG_LEVELS.indexOf(minLevel);
  return (line) => {
    if (LOG_LEVELS.indexOf(line.level) < min) return;
    write(JSON.stringify({ time: now().toISOString(), ...line }));
  };
}
