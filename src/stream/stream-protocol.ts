import { isSwarmId, type SwarmId } from '../chunks/manifest.ts';
import type { FileIndex } from '../chunks/piece-layout.ts';

/**
 * How the service worker and the page that runs a swarm talk about file
 * bytes. URLs under the worker's scope name what is wanted:
 *
 *   stream/<swarm id>/<file index>/<name>   one file, inline (players, <img>)
 *   save/<swarm id>/<file index>/<name>     one file, as a download
 *   zip/<swarm id>/<name>.zip               every file, zipped on the fly, as a download
 *
 * The worker posts a `StreamRequest` with a MessagePort to a page; over the
 * port the page answers with a head, then one chunk per `pull`, so nothing
 * is produced faster than the browser consumes it.
 */

export type StreamTarget =
  | { kind: 'stream' | 'save'; swarmId: SwarmId; fileIndex: FileIndex }
  | { kind: 'zip'; swarmId: SwarmId };

export const STREAM_REQUEST = 'shoal-stream-request';

/** Worker → page (with the port). */
export interface StreamRequest {
  type: typeof STREAM_REQUEST;
  target: StreamTarget;
  range: string | null;
}

/** Page → worker, over the port. */
export type StreamReply =
  /** This page cannot serve the target (does not hold that swarm or file). */
  | { type: 'unknown' }
  | { type: 'head'; status: number; headers: Record<string, string>; hasBody: boolean }
  | { type: 'chunk'; bytes: Uint8Array<ArrayBuffer> }
  | { type: 'end' }
  | { type: 'error'; message: string };

/** Worker → page, over the port. */
export type StreamControl = { type: 'pull' } | { type: 'cancel' };

const MAX_FILE_INDEX_DIGITS = 7;

/** The path (relative to the worker's scope) for a target; `name` is only for the browser's benefit. */
export function streamPath(target: StreamTarget, name: string): string {
  const encoded = encodeURIComponent(name);
  if (target.kind === 'zip') return `zip/${target.swarmId}/${encoded}`;
  return `${target.kind}/${target.swarmId}/${target.fileIndex}/${encoded}`;
}

/** The target a scope-relative path names, or null when it names none. */
export function parseStreamPath(path: string): StreamTarget | null {
  const parts = path.split('/');
  const [kind, swarmId] = parts;
  if (!isSwarmId(swarmId ?? '')) return null;
  if (kind === 'zip' && parts.length === 3) return { kind, swarmId };
  if ((kind === 'stream' || kind === 'save') && parts.length === 4) {
    const index = parts[2];
    if (!new RegExp(`^\\d{1,${MAX_FILE_INDEX_DIGITS}}$`).test(index)) return null;
    return { kind, swarmId, fileIndex: Number(index) };
  }
  return null;
}

export function isStreamRequest(data: unknown): data is StreamRequest {
  return (data as { type?: unknown } | null)?.type === STREAM_REQUEST;
}
