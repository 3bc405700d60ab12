import type { IncomingMessage } from 'node:http';

/** '*' allows every origin; a list allows exactly those (`https://host[:port]`). */
export type OriginPolicy = '*' | readonly string[];

/**
 * The address per-IP limits are keyed on. `X-Forwarded-For` is anyone's to
 * write, so it counts only when the operator says a proxy of theirs sets it;
 * then the last entry is the one that proxy appended (the peer it saw).
 */
export function clientAddress(req: IncomingMessage, trustProxy: boolean): string {
  if (trustProxy) {
    const header = req.headers['x-forwarded-for'];
    const value = Array.isArray(header) ? header[header.length - 1] : header;
    const last = value?.split(',').pop()?.trim();
    if (last) return last.slice(0, 64);
  }
  return req.socket.remoteAddress ?? 'unknown';
}

export function originAllowed(policy: OriginPolicy, origin: string | undefined): boolean {
  if (policy === '*') return true;
  // Browsers always send Origin on WebSocket upgrades; a request without one is a script, refused by a list.
  return origin !== undefined && policy.includes(origin);
}
