/**
 * Coordination between tabs of one origin that share the same IndexedDB:
 * a Web Lock per swarm decides which tab runs it (joins the room, writes the
 * store), and a BroadcastChannel carries what the owner sees to the others.
 */

const LOCK_PREFIX = 'shoal-swarm-';

/**
 * Waits for the swarm's lock and calls `onAcquired` once it is ours; holds
 * it until `signal` aborts (or the tab goes away, which frees it for the next
 * tab in line). Aborting before the lock is granted just stops waiting.
 */
export function holdSwarmLock(swarmId: string, signal: AbortSignal, onAcquired: () => void): void {
  navigator.locks
    .request(LOCK_PREFIX + swarmId, { signal }, () => {
      onAcquired();
      return new Promise<void>((resolve) => {
        if (signal.aborted) resolve();
        else signal.addEventListener('abort', () => resolve(), { once: true });
      });
    })
    .catch((error: unknown) => {
      // Aborted while still queued: expected when the swarm is stopped or deleted meanwhile.
      if (error instanceof DOMException && error.name === 'AbortError') return;
      console.error(`shoal: lock for ${swarmId} failed`, error);
    });
}

/** A typed BroadcastChannel: messages to every other tab of this origin. */
export class TabChannel<T> {
  private readonly channel: BroadcastChannel;

  constructor(name: string, onMessage: (message: T) => void) {
    this.channel = new BroadcastChannel(name);
    // Same-origin tabs of this app only; the shape is ours, so no schema check beyond the type.
    this.channel.onmessage = (event: MessageEvent<T>) => onMessage(event.data);
  }

  post(message: T): void {
    this.channel.postMessage(message);
  }

  close(): void {
    this.channel.close();
  }
}
