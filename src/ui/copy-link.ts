/** How a copy went: on the clipboard, or selected on the page for the user to copy. */
export type CopyOutcome = 'copied' | 'selected';

/**
 * Puts a link on the clipboard; where the clipboard API is missing or
 * refuses (http:// on a LAN address), selects `anchor`'s text instead.
 */
export async function copyLink(link: string, anchor: Element | null): Promise<CopyOutcome> {
  try {
    if (!navigator.clipboard) throw new Error('clipboard API unavailable');
    await navigator.clipboard.writeText(link);
    return 'copied';
  } catch (err) {
    console.info('shoal: clipboard write failed, selecting the link instead', err);
    const selection = getSelection();
    if (anchor && selection) {
      const range = document.createRange();
      range.selectNodeContents(anchor);
      selection.removeAllRanges();
      selection.addRange(range);
    }
    return 'selected';
  }
}
