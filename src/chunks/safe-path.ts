/**
 * File names as a peer wrote them, made safe to create on the user's disk
 * (a folder save, zip entries, a download's name). The manifest already
 * refuses '..', separators and control characters; this is the second
 * fence, at the place that writes, and it also avoids names Windows refuses.
 */

const UNSAFE_CHARS = /[\u0000-\u001f\u007f-\u009f<>:"|?*\\]/g;
const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$/i;

/** The relative path as safe segments: no empty, '.', '..' or absolute parts; never empty. */
export function safeSegments(path: string): string[] {
  const segments = path
    .split(/[/\\]/)
    .filter((s) => s !== '' && s !== '.' && s !== '..')
    .map(safeSegment);
  return segments.length > 0 ? segments : ['_'];
}

export function safeRelativePath(path: string): string {
  return safeSegments(path).join('/');
}

/** The last segment: the name a single saved file gets. */
export function safeFileName(path: string): string {
  return safeSegments(path).at(-1)!;
}

function safeSegment(segment: string): string {
  // Windows drops trailing dots and spaces, which could merge two names or reach '..'.
  const cleaned = segment.replace(UNSAFE_CHARS, '_').replace(/[. ]+$/, '');
  if (cleaned === '') return '_';
  return WINDOWS_RESERVED.test(cleaned) ? `_${cleaned}` : cleaned;
}
