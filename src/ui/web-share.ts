/** How a hand-off to the system share sheet went; the user closing it is not a failure. */
export type ShareOutcome = { status: 'shared' | 'dismissed' } | { status: 'failed'; detail: string };

/** Whether this browser has a share sheet (Web Share API) that takes links. */
export function canShareLink(link: string): boolean {
  if (typeof navigator.share !== 'function') return false;
  return typeof navigator.canShare !== 'function' || navigator.canShare({ url: link });
}

export async function shareLink(link: string, title: string): Promise<ShareOutcome> {
  try {
    await navigator.share({ title, url: link });
    return { status: 'shared' };
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') return { status: 'dismissed' };
    console.error('shoal: web share failed', err);
    return { status: 'failed', detail: err instanceof Error ? err.message : String(err) };
  }
}
