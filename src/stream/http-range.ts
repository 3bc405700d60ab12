import { mediaKind } from '../chunks/media-kind.ts';

/**
 * HTTP byte ranges (RFC 9110 §14) for the files the service worker serves:
 * which bytes a `Range` header asks for, and the status and headers of the
 * answer. Pure, so the edge cases are unit-tested without a browser.
 */

/** Bytes [start, end) of a file. */
export interface ByteRange {
  start: number;
  end: number;
}

export type RangeRequest =
  | { kind: 'full' }
  | { kind: 'partial'; range: ByteRange }
  /** Malformed, several ranges, or nothing of the file: answered with 416. */
  | { kind: 'unsatisfiable' };

const SINGLE_RANGE = /^bytes=(\d*)-(\d*)$/;

/** What a `Range` header (or its absence) asks of a file of `size` bytes. */
export function parseRange(header: string | null, size: number): RangeRequest {
  if (header === null || header.trim() === '') return { kind: 'full' };
  const match = SINGLE_RANGE.exec(header.trim().replace(/\s+/g, ''));
  if (!match) return { kind: 'unsatisfiable' };
  const [, first, last] = match;
  if (first === '') {
    // Suffix range: the last N bytes.
    const suffix = Number(last);
    if (last === '' || suffix === 0 || size === 0) return { kind: 'unsatisfiable' };
    return { kind: 'partial', range: { start: Math.max(0, size - suffix), end: size } };
  }
  const start = Number(first);
  if (!Number.isSafeInteger(start) || start >= size) return { kind: 'unsatisfiable' };
  if (last === '') return { kind: 'partial', range: { start, end: size } };
  const lastByte = Number(last);
  if (lastByte < start) return { kind: 'unsatisfiable' };
  return { kind: 'partial', range: { start, end: Math.min(lastByte + 1, size) } };
}

export interface ServedFile {
  name: string;
  size: number;
  mime: string;
}

export interface ResponseHead {
  status: 200 | 206 | 416;
  headers: Record<string, string>;
  /** The bytes the body carries; null for none. */
  body: ByteRange | null;
}

/**
 * Status and headers for a file. Only media and raster images are served
 * under their own type and inline; anything else (HTML, SVG, scripts a peer
 * shared) is an opaque attachment, so no shared file ever runs as a page of
 * this origin.
 */
export function responseHead(file: ServedFile, rangeHeader: string | null, disposition: 'inline' | 'attachment'): ResponseHead {
  const playable = mediaKind(file.mime) !== null;
  const headers: Record<string, string> = {
    'accept-ranges': 'bytes',
    'content-type': playable ? file.mime : 'application/octet-stream',
    'content-disposition': contentDisposition(playable ? disposition : 'attachment', file.name),
    'x-content-type-options': 'nosniff',
    'content-security-policy': "default-src 'none'; sandbox",
    'cache-control': 'no-store',
  };
  const request = parseRange(rangeHeader, file.size);
  switch (request.kind) {
    case 'full':
      return { status: 200, headers: { ...headers, 'content-length': String(file.size) }, body: { start: 0, end: file.size } };
    case 'partial': {
      const { start, end } = request.range;
      headers['content-length'] = String(end - start);
      headers['content-range'] = `bytes ${start}-${end - 1}/${file.size}`;
      return { status: 206, headers, body: request.range };
    }
    case 'unsatisfiable':
      return { status: 416, headers: { ...headers, 'content-range': `bytes */${file.size}`, 'content-length': '0' }, body: null };
  }
}

/** RFC 6266: an ASCII fallback name plus the exact UTF-8 name. */
export function contentDisposition(disposition: 'inline' | 'attachment', name: string): string {
  const fallback = name.replace(/[^\x20-\x7e]|["\\%]/g, '_');
  return `${disposition}; filename="${fallback}"; filename*=UTF-8''${encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`;
}
