import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { expect, type Page, type TestInfo } from '@playwright/test';

const SCREENSHOT_DIR = 'test-results/artifacts/screenshots';

/** A full-page screenshot kept as a test artifact (attached to the report and written to SCREENSHOT_DIR). */
export async function keepScreenshot(page: Page, testInfo: TestInfo, name: string): Promise<Buffer> {
  // Let a theme or layout switch and the next throttled repaint settle first.
  await page.waitForTimeout(300);
  const png = await page.screenshot({ fullPage: true, animations: 'disabled', caret: 'hide' });
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  writeFileSync(join(SCREENSHOT_DIR, `${name}.png`), png);
  await testInfo.attach(name, { body: png, contentType: 'image/png' });
  return png;
}

/** Runs every axe rule on the page as it is now; any violation fails with the rule, nodes and fix. */
export async function expectNoAxeViolations(page: Page, screen: string): Promise<void> {
  const started = Date.now();
  const { violations } = await new AxeBuilder({ page }).analyze();
  console.log(`axe on ${screen}: ${Date.now() - started} ms`);
  const summary = violations.map(
    (v) => `${v.id} (${v.impact}): ${v.help}\n  ${v.nodes.map((n) => n.target.join(' ')).join('\n  ')}`,
  );
  expect(summary, `axe on ${screen}`).toEqual([]);
}

/** No sideways scrolling at this width (a phone is 390 CSS px). */
export async function expectNoHorizontalScroll(page: Page, width: number): Promise<void> {
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
}

/** The element that has focus, looking through shadow roots. */
export async function focusedElement(page: Page): Promise<{ tag: string; testId: string | null; outline: string }> {
  return page.evaluate(() => {
    let el: Element | null = document.activeElement;
    while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
    if (!el) return { tag: '', testId: null, outline: '' };
    const style = getComputedStyle(el);
    return { tag: el.tagName.toLowerCase(), testId: el.getAttribute('data-testid'), outline: `${style.outlineStyle} ${style.outlineWidth}` };
  });
}

/** Fails the test on any alert/confirm/prompt a page opens (script injected through a file name would). */
export function failOnDialog(page: Page, opened: string[]): void {
  page.on('dialog', (dialog) => {
    opened.push(`${dialog.type()}: ${dialog.message()}`);
    void dialog.dismiss();
  });
}

/**
 * The QR code the share panel draws, read back as pixels: the SVG is
 * rasterised on a canvas and each module's centre sampled (true = dark).
 */
export async function drawnQrModules(page: Page): Promise<boolean[][]> {
  const qr = page.getByTestId('share-qr').locator('svg');
  await expect(qr).toBeVisible();
  return qr.evaluate(async (svgElement) => {
    const modules = Number(svgElement.getAttribute('data-modules'));
    const [minX, , side] = (svgElement.getAttribute('viewBox') ?? '').split(' ').map(Number) as [number, number, number];
    const scale = 8;
    const source = new XMLSerializer().serializeToString(svgElement);
    const image = new Image();
    image.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(source)}`;
    await image.decode();
    const canvas = document.createElement('canvas');
    canvas.width = canvas.height = side * scale;
    const ctx = canvas.getContext('2d')!;
    ctx.drawImage(image, 0, 0, canvas.width, canvas.height);
    const pixels = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
    const rows: boolean[][] = [];
    for (let y = 0; y < modules; y++) {
      const row: boolean[] = [];
      for (let x = 0; x < modules; x++) {
        const px = Math.floor((x - minX + 0.5) * scale);
        const py = Math.floor((y - minX + 0.5) * scale);
        row.push(pixels[(py * canvas.width + px) * 4]! < 128);
      }
      rows.push(row);
    }
    return rows;
  });
}
