import type { SwarmId } from '../chunks/manifest.ts';
import type { Listing } from '../chunks/share-access.ts';
import { ownBuffer } from '../chunks/own-buffer.ts';
import { readFileRange, type PieceSource } from '../chunks/plain-reader.ts';
import { safeFileName } from '../chunks/safe-path.ts';
import { zipShare } from '../chunks/save-zip.ts';
import { contentDisposition, responseHead } from './http-range.ts';
import { isStreamRequest, type StreamControl, type StreamReply, type StreamRequest } from './stream-protocol.ts';

/** A share this page can read file bytes of. */
export interface ReadableShare {
  listing: Listing;
  pieces: PieceSource;
}

export type ShareLookup = (swarmId: SwarmId) => Promise<ReadableShare | null>;

/**
 * The page's half of streaming: answers the service worker's requests for
 * file bytes (see stream-protocol.ts), one chunk per pull. Returns the
 * function that stops serving.
 */
export function serveStreams(worker: ServiceWorkerContainer, lookup: ShareLookup): () => void {
  const onMessage = (event: MessageEvent) => {
    const port = event.ports[0];
    if (isStreamRequest(event.data) && port) void answer(event.data, port, lookup);
  };
  worker.addEventListener('message', onMessage);
  // Messages queue until the page says it listens (addEventListener alone does not).
  worker.startMessages();
  return () => worker.removeEventListener('message', onMessage);
}

interface Opened {
  head: Extract<StreamReply, { type: 'head' }>;
  chunks: AsyncIterator<Uint8Array> | null;
}

async function answer(request: StreamRequest, port: MessagePort, lookup: ShareLookup): Promise<void> {
  const abort = new AbortController();
  let opened: Opened | null;
  try {
    const share = await lookup(request.target.swarmId);
    opened = share && open(share, request, abort.signal);
  } catch (error) {
    console.error('shoal: cannot serve', request.target, error);
    opened = null;
  }
  if (!opened) {
    reply(port, { type: 'unknown' });
    port.close();
    return;
  }
  reply(port, opened.head);
  const chunks = opened.chunks;
  if (!chunks) {
    port.close();
    return;
  }
  port.onmessage = async (event: MessageEvent<StreamControl>) => {
    if (event.data.type === 'cancel') {
      abort.abort(new DOMException('the reader went away', 'AbortError'));
      void chunks.return?.();
      port.close();
      return;
    }
    try {
      const next = await chunks.next();
      reply(port, next.done ? { type: 'end' } : { type: 'chunk', bytes: ownBuffer(next.value) });
    } catch (error) {
      if (abort.signal.aborted) return;
      console.error('shoal: reading for', request.target, 'failed', error);
      reply(port, { type: 'error', message: error instanceof Error ? error.message : String(error) });
    }
  };
}

function open(share: ReadableShare, request: StreamRequest, signal: AbortSignal): Opened | null {
  const { listing, pieces } = share;
  const target = request.target;
  if (target.kind === 'zip') {
    const zip = zipShare(listing, pieces);
    signal.addEventListener('abort', () => void zip.stream.cancel(signal.reason), { once: true });
    return {
      head: {
        type: 'head',
        status: 200,
        hasBody: true,
        headers: {
          'content-type': 'application/zip',
          'content-length': String(zip.bytes),
          'content-disposition': contentDisposition('attachment', zip.name),
          'x-content-type-options': 'nosniff',
          'cache-control': 'no-store',
        },
      },
      chunks: zip.stream[Symbol.asyncIterator](),
    };
  }
  const file = listing.files[target.fileIndex];
  if (!file) return null;
  const name = safeFileName(file.path);
  const head = responseHead({ name, size: file.size, mime: file.mime }, request.range, target.kind === 'stream' ? 'inline' : 'attachment');
  const body = head.body && head.body.end > head.body.start ? head.body : null;
  return {
    head: { type: 'head', status: head.status, headers: head.headers, hasBody: body !== null },
    chunks: body && readFileRange(listing, target.fileIndex, body, pieces, signal),
  };
}

function reply(port: MessagePort, message: StreamReply): void {
  port.postMessage(message, message.type === 'chunk' ? [message.bytes.buffer] : []);
}
