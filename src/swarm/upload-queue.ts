import type { BlockRequest } from './peer-session.ts';
import type { PieceIndex } from './picker.ts';

/** Seconds of a channel's measured upload rate to keep buffered in it beyond its low-water mark. */
const BUFFER_SECONDS = 0.15;
/**
 * Never less than this beyond the low-water mark, so a channel whose rate is
 * not yet known still moves (one block always goes out when it is below).
 * Not a block's worth: with 128 KiB blocks that let a slow channel take three
 * 64 KiB pieces at once, which then could not go rarest first (simulated
 * flash crowd, 100 peers, 128 pieces of 64 KiB, four seeds: 1.497 of the
 * fluid bound, 1.433 with 16 KiB).
 */
const MIN_BUFFER_BYTES = 16 * 1024;
/** Never more: a WebRTC channel throws above 16 MiB buffered. */
const MAX_BUFFER_BYTES = 8 * 1024 * 1024;

/**
 * How many bytes a channel may hold before uploads wait in the session's own
 * queue. Blocks handed to the channel are gone: they cannot be reordered,
 * cancelled or dropped on a choke. So keep only a little beyond the low-water
 * mark (which must be crossed for the drain event to fire), scaled with the
 * measured rate: a fast WebRTC channel still gets megabytes, a 512 KiB/s home
 * uplink shared by several peers about a block.
 */
export function uploadBufferLimit(lowWaterMark: number, uploadBytesPerSecond: number): number {
  const limit = lowWaterMark + Math.max(MIN_BUFFER_BYTES, uploadBytesPerSecond * BUFFER_SECONDS);
  return Math.min(limit, Math.max(MAX_BUFFER_BYTES, lowWaterMark + MIN_BUFFER_BYTES));
}

/** Removes and returns the queued request to send next: lowest priority value first, in arrival order on ties. */
export function nextUpload(queue: BlockRequest[], priority?: (index: PieceIndex) => number): BlockRequest {
  if (!priority) return queue.shift()!;
  let best = 0;
  let bestValue = priority(queue[0].index);
  for (let i = 1; i < queue.length; i++) {
    const value = priority(queue[i].index);
    if (value < bestValue) {
      best = i;
      bestValue = value;
    }
  }
  return queue.splice(best, 1)[0];
}
