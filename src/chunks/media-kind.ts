export type MediaKind = 'video' | 'audio' | 'image';

/**
 * Which element plays a file of this type in the page, or null for none.
 * Only these are ever served inline (see stream/http-range.ts): SVG may
 * carry script, so it counts as no image here.
 */
export function mediaKind(mime: string): MediaKind | null {
  if (mime.startsWith('video/')) return 'video';
  if (mime.startsWith('audio/')) return 'audio';
  if (mime.startsWith('image/') && mime !== 'image/svg+xml') return 'image';
  return null;
}
