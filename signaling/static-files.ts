import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, resolve, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.webmanifest': 'application/manifest+json',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.map': 'application/json',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
};

// Vite puts content-hashed names under /assets, so they never change.
const IMMUTABLE = 'public, max-age=31536000, immutable';
// Everything else (index.html, sw.js, the manifest) must be revalidated so a new build takes effect.
const REVALIDATE = 'no-cache';

export type StaticOutcome = 'served' | 'not-found' | 'bad-request' | 'method-not-allowed' | 'failed';

/**
 * Serves one request from `rootDir` (the built site). Never resolves a path
 * outside `rootDir`, whatever dots, encodings or separators the URL holds.
 */
export async function serveStatic(rootDir: string, req: IncomingMessage, res: ServerResponse): Promise<StaticOutcome> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    sendText(res, 405, 'method not allowed', { Allow: 'GET, HEAD' });
    return 'method-not-allowed';
  }
  const file = resolveRequestPath(rootDir, req.url ?? '/');
  if (file === null) {
    sendText(res, 400, 'bad request');
    return 'bad-request';
  }
  const found = await findFile(file);
  if (found === null) {
    sendText(res, 404, 'not found');
    return 'not-found';
  }
  const headers: Record<string, string | number> = {
    'Content-Type': CONTENT_TYPES[extname(found.path).toLowerCase()] ?? 'application/octet-stream',
    'Content-Length': found.size,
    'Cache-Control': isUnderAssets(rootDir, found.path) ? IMMUTABLE : REVALIDATE,
    'X-Content-Type-Options': 'nosniff',
  };
  res.writeHead(200, headers);
  if (req.method === 'HEAD') {
    res.end();
    return 'served';
  }
  try {
    await pipeline(createReadStream(found.path), res);
    return 'served';
  } catch (error) {
    // Headers are gone already; all we can do is cut the response short and report it.
    res.destroy(error as Error);
    return 'failed';
  }
}

/** The absolute file path a URL names inside `rootDir`, or null when the URL is unusable or escapes. */
export function resolveRequestPath(rootDir: string, rawUrl: string): string | null {
  let pathname: string;
  try {
    // The URL parser already folds "." and ".." segments (including %2e forms) into the root.
    pathname = decodeURIComponent(new URL(rawUrl, 'http://localhost').pathname);
  } catch {
    return null;
  }
  // Encoded separators and NULs survive the URL parser; after decoding they could smuggle a path.
  if (pathname.includes('\0') || pathname.includes('\\')) return null;
  if (pathname.split('/').some((segment) => segment === '..')) return null;
  const root = resolve(rootDir);
  const file = resolve(root, '.' + pathname);
  return isInside(root, file) ? file : null;
}

function isInside(root: string, file: string): boolean {
  return file === root || file.startsWith(root + sep);
}

function isUnderAssets(rootDir: string, file: string): boolean {
  return file.startsWith(resolve(rootDir, 'assets') + sep);
}

async function findFile(path: string): Promise<{ path: string; size: number } | null> {
  for (const candidate of [path, resolve(path, 'index.html')]) {
    const info = await stat(candidate).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT' || error.code === 'ENOTDIR') return null;
      throw error;
    });
    if (info?.isFile()) return { path: candidate, size: info.size };
    if (!info?.isDirectory()) return null;
  }
  return null;
}

export function sendText(
  res: ServerResponse,
  status: number,
  body: string,
  extraHeaders: Record<string, string> = {},
): void {
  res.writeHead(status, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
    'Cache-Control': 'no-store',
    ...extraHeaders,
  });
  res.end(body);
}
