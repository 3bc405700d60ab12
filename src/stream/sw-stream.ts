/// <reference lib="webworker" />
import { STREAM_REQUEST, parseStreamPath, type StreamControl, type StreamReply, type StreamRequest, type StreamTarget } from './stream-protocol.ts';

/**
 * The service worker's half of streaming: answers GETs for stream/, save/
 * and zip/ URLs with bytes a page reads from its piece store. The worker
 * holds no data itself; it relays one chunk per pull from page to browser.
 */

/** A page that does not answer this fast is frozen or does not run Shoal: ask the next. */
const HEAD_TIMEOUT_MS = 5_000;
/** Longer than a page waits for a missing piece, so the page's clearer error wins. */
const CHUNK_TIMEOUT_MS = 150_000;

/** The stream target a fetch asks for, or null when it is not ours. */
export function streamTargetOf(request: Request, scope: string): StreamTarget | null {
  if (request.method !== 'GET' && request.method !== 'HEAD') return null;
  const url = new URL(request.url);
  const base = new URL(scope);
  if (url.origin !== base.origin || !url.pathname.startsWith(base.pathname)) return null;
  return parseStreamPath(url.pathname.slice(base.pathname.length));
}

export async function respondWithStream(
  clients: Clients,
  event: FetchEvent,
  target: StreamTarget,
): Promise<Response> {
  const request: StreamRequest = { type: STREAM_REQUEST, target, range: event.request.headers.get('range') };
  for (const client of await candidates(clients, event.clientId)) {
    const port = await ask(client, request);
    if (!port) continue;
    const { head, channel } = port;
    const body = head.hasBody && event.request.method === 'GET' ? relay(channel) : null;
    if (!body) channel.close();
    return new Response(body, { status: head.status, headers: head.headers });
  }
  return new Response('No open Shoal page holds this file. Open the share link and try again.', {
    status: 404,
    headers: { 'content-type': 'text/plain; charset=utf-8' },
  });
}

/** The page that made the request first (it most likely runs the swarm), then every other window. */
async function candidates(clients: Clients, clientId: string): Promise<readonly Client[]> {
  const windows = await clients.matchAll({ type: 'window' });
  const own = windows.find((c) => c.id === clientId);
  return own ? [own, ...windows.filter((c) => c !== own)] : windows;
}

type Head = Extract<StreamReply, { type: 'head' }>;

/** Asks one page; resolves to its head and the port to read the body from, or null if it cannot serve. */
function ask(client: Client, request: StreamRequest): Promise<{ head: Head; channel: MessagePort } | null> {
  const { port1, port2 } = new MessageChannel();
  return new Promise((resolve) => {
    const finish = (answer: { head: Head; channel: MessagePort } | null) => {
      clearTimeout(timer);
      port1.onmessage = null;
      if (!answer) port1.close();
      resolve(answer);
    };
    const timer = setTimeout(() => finish(null), HEAD_TIMEOUT_MS);
    port1.onmessage = (event: MessageEvent<StreamReply>) =>
      finish(event.data.type === 'head' ? { head: event.data, channel: port1 } : null);
    client.postMessage(request, [port2]);
  });
}

/**
 * The response body: each pull asks the page for the next chunk. Only the
 * body's cancel stops it: a download's request signal aborts as soon as the
 * navigation turns into a download, while the body is still wanted.
 */
function relay(channel: MessagePort): ReadableStream<Uint8Array> {
  let waiting: ((reply: StreamReply) => void) | null = null;
  channel.onmessage = (event: MessageEvent<StreamReply>) => waiting?.(event.data);
  const next = () =>
    new Promise<StreamReply>((resolve) => {
      const timer = setTimeout(() => resolve({ type: 'error', message: 'the page stopped answering' }), CHUNK_TIMEOUT_MS);
      waiting = (reply) => {
        clearTimeout(timer);
        waiting = null;
        resolve(reply);
      };
      channel.postMessage({ type: 'pull' } satisfies StreamControl);
    });
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const reply = await next();
        if (reply.type === 'chunk') return controller.enqueue(reply.bytes);
        channel.close();
        if (reply.type === 'end') controller.close();
        else controller.error(new Error(reply.type === 'error' ? reply.message : `unexpected ${reply.type}`));
      },
      cancel() {
        channel.postMessage({ type: 'cancel' } satisfies StreamControl);
        channel.close();
      },
    },
    // Ask for a chunk only when the browser wants one.
    { highWaterMark: 0 },
  );
}
